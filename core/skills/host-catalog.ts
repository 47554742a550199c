import type { Config } from '../config/schema.js';
import type { StatePaths } from '../paths.js';
import { createSkillCatalog, type SkillCatalog } from './catalog.js';
import { bundledSkillsDir } from './loader.js';

/**
 * The catalog of this machine for a config and state dir: what the CLI and the gateway
 * show. (A worker builds its own, long-lived, in activities/index.ts.)
 */
export function hostSkillCatalog(
  config: Config,
  paths: Pick<StatePaths, 'skillsDir' | 'workspaceDir'>,
  env: NodeJS.ProcessEnv = process.env,
): SkillCatalog {
  return createSkillCatalog({
    config: () => config,
    bundledDir: bundledSkillsDir(env),
    managedDir: paths.skillsDir,
    workspaceDir: config.agent.workspace ?? paths.workspaceDir,
    env: () => env,
  });
}
