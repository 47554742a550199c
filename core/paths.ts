import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the ClawdBot checkout or installed package (the folder holding package.json). */
export const packageRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every on-disk location ClawdBot uses, derived from one state dir. */
export interface StatePaths {
  stateDir: string;
  configFile: string;
  sessionsDir: string;
  workspaceDir: string;
  memoryDir: string;
  skillsDir: string;
  extensionsDir: string;
  temporalDir: string;
  temporalDbFile: string;
}

/** The state dir: `--state-dir`, else `CLAWDBOT_STATE_DIR`, else `~/.clawdbot`. */
export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.CLAWDBOT_STATE_DIR;
  if (chosen !== undefined && chosen !== '') return resolve(chosen);
  return join(homedir(), '.clawdbot');
}

/** Lay out the state dir's paths (nothing is created here). */
export function statePaths(stateDir: string): StatePaths {
  return {
    stateDir,
    configFile: join(stateDir, 'clawdbot.json'),
    sessionsDir: join(stateDir, 'sessions'),
    workspaceDir: join(stateDir, 'workspace'),
    memoryDir: join(stateDir, 'memory'),
    skillsDir: join(stateDir, 'skills'),
    extensionsDir: join(stateDir, 'extensions'),
    temporalDir: join(stateDir, 'temporal'),
    temporalDbFile: join(stateDir, 'temporal', 'temporal.db'),
  };
}

/** Where the `temporal` binary built by scripts/install-temporal lives. */
export const localTemporalBinary = join(packageRoot, '.tools', 'bin', 'temporal');
