/**
 * Where skills come from and which copy wins. Four sources, merged by skill name, later
 * wins: extra dirs (`skills.load.extraDirs`) < bundled (`skills/` of this package) <
 * managed (`<stateDir>/skills`) < workspace (`<workspace>/skills`) — the order OpenClaw
 * uses, so a user's override of a bundled skill behaves as they know it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClawdbotError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseSkillManifest, type SkillManifest } from './frontmatter.js';

/** Where a skill was loaded from, lowest precedence first. */
export const skillSources = ['extra', 'bundled', 'managed', 'workspace'] as const;
export type SkillSource = (typeof skillSources)[number];

/** One folder of skill folders. */
export interface SkillRoot {
  source: SkillSource;
  dir: string;
}

/** A skill as loaded from disk. */
export interface LoadedSkill {
  name: string;
  /** Its key in `skills.entries` (metadata `skillKey`, else the name). */
  key: string;
  source: SkillSource;
  /** The skill's folder (`{baseDir}`). */
  dir: string;
  /** Absolute path of its SKILL.md. */
  file: string;
  manifest: SkillManifest;
  /** Lower-precedence sources that had a skill of the same name, now shadowed. */
  shadows: SkillSource[];
}

/** A SKILL.md that did not load, and why (skills.status shows these too). */
export interface SkillLoadProblem {
  source: SkillSource;
  file: string;
  message: string;
}

/** The bundled skills' folder: `CLAWDBOT_BUNDLED_SKILLS_DIR`, else `skills/` of this package. */
export function bundledSkillsDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.CLAWDBOT_BUNDLED_SKILLS_DIR;
  return chosen !== undefined && chosen !== '' ? resolve(chosen) : join(packageRoot, 'skills');
}

/** The roots to load, lowest precedence first. */
export function skillRoots(options: {
  extraDirs: readonly string[];
  bundledDir: string;
  managedDir: string;
  workspaceDir: string;
}): SkillRoot[] {
  return [
    ...options.extraDirs.map((dir) => ({ source: 'extra' as const, dir: resolve(dir) })),
    { source: 'bundled', dir: options.bundledDir },
    { source: 'managed', dir: options.managedDir },
    { source: 'workspace', dir: join(options.workspaceDir, 'skills') },
  ];
}

/** The folders of a root that hold a SKILL.md candidate, sorted; none when the root is absent. */
export function skillFolders(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter(
        (entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'),
      )
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** Load every skill of one root; a folder without SKILL.md is skipped, a broken one reported. */
export function loadSkillRoot(root: SkillRoot): {
  skills: LoadedSkill[];
  problems: SkillLoadProblem[];
} {
  const skills: LoadedSkill[] = [];
  const problems: SkillLoadProblem[] = [];
  for (const folder of skillFolders(root.dir)) {
    const dir = join(root.dir, folder);
    const file = join(dir, 'SKILL.md');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // not a skill folder (scripts, assets of a flat layout)
    }
    try {
      const manifest = parseSkillManifest(text, file);
      const key = manifest.metadata.skillKey ?? manifest.name;
      skills.push({
        name: manifest.name,
        key,
        source: root.source,
        dir,
        file,
        manifest,
        shadows: [],
      });
    } catch (error) {
      if (!(error instanceof ClawdbotError)) throw error;
      problems.push({ source: root.source, file, message: error.message });
    }
  }
  return { skills, problems };
}

/** Merge the roots' skills by name, later roots winning; sorted by name. */
export function mergeSkills(perRoot: readonly (readonly LoadedSkill[])[]): LoadedSkill[] {
  const byName = new Map<string, LoadedSkill>();
  for (const skills of perRoot) {
    for (const skill of skills) {
      const previous = byName.get(skill.name);
      const shadows = previous ? [...previous.shadows, previous.source] : [];
      byName.set(skill.name, { ...skill, shadows });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A skill's body with `{baseDir}` replaced by its folder, as the model should read it. */
export function skillInstructions(skill: Pick<LoadedSkill, 'dir' | 'manifest'>): string {
  return skill.manifest.body.replaceAll('{baseDir}', skill.dir);
}
