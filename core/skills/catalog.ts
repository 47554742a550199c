/**
 * The skills of one host: loaded from its folders, checked against its PATH, environment
 * and config. Folders are re-read only when their change times move (a stat per skill
 * folder and SKILL.md per call), so a skill added or edited is seen on the next turn
 * without a restart, and an unchanged set costs no parsing. The bundled skills, which
 * change only with ClawdBot itself, are checked at most every few seconds.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { InstallSpec } from './frontmatter.js';
import { skillConfigEnv, skillEligibility, type Eligibility } from './eligibility.js';
import {
  loadSkillRoot,
  mergeSkills,
  skillFolders,
  skillInstructions,
  skillRoots,
  type LoadedSkill,
  type SkillLoadProblem,
  type SkillRoot,
  type SkillSource,
} from './loader.js';
import { createBinLookup, type BinLookup } from './path-bins.js';
import { parseSlashCommand, type SkillInvocation, type SkillPromptEntry } from './prompt.js';

/** One skill as skills.status and the CLI show it. */
export interface SkillStatus {
  name: string;
  key: string;
  description: string;
  source: SkillSource;
  dir: string;
  file: string;
  emoji?: string;
  homepage?: string;
  userInvocable: boolean;
  modelInvocable: boolean;
  /** Lower-precedence copies this one overrides. */
  shadows: SkillSource[];
  eligibility: Eligibility;
  install: InstallSpec[];
}

/** What a turn gets from the host's skills: the prompt list, and a slash-invoked skill. */
export interface SkillsSnapshot {
  skills: SkillPromptEntry[];
  invoked?: SkillInvocation;
}

/** Where a catalog looks, and what it checks against. */
export interface SkillCatalogOptions {
  config: () => Config;
  bundledDir: string;
  managedDir: string;
  workspaceDir: string;
  env?: () => NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** How long an unchanged check of the bundled skills holds (default 5000 ms). */
  bundledRecheckMs?: number;
}

/** The skills of one host. */
export interface SkillCatalog {
  /** Every loaded skill with its verdict, and the SKILL.md files that did not load. */
  status(): { skills: SkillStatus[]; problems: SkillLoadProblem[] };
  /** The eligible skills (loaded, merged, checked). */
  eligible(): LoadedSkill[];
  /** The prompt list, and the skill a message invokes as `/<name> args` if any. */
  snapshot(text?: string): SkillsSnapshot;
  /** Environment the eligible skills' config adds for commands (bash, process). */
  commandEnv(): Record<string, string>;
  /** Folders read_file may read outside the workspace: the eligible skills'. */
  readableDirs(): string[];
  /** Whether a binary is on this host's PATH (for install plans). */
  hasBin(name: string): boolean;
}

function mtime(path: string): string {
  try {
    return String(statSync(path).mtimeMs);
  } catch {
    return '-';
  }
}

/** Change times of a root, its skill folders and their SKILL.md files. */
function rootStamp(dir: string): string {
  const parts = [mtime(dir)];
  for (const folder of skillFolders(dir)) {
    parts.push(folder, mtime(join(dir, folder)), mtime(join(dir, folder, 'SKILL.md')));
  }
  return parts.join('|');
}

interface CachedRoot {
  stamp: string;
  loaded: ReturnType<typeof loadSkillRoot>;
  /** When the stamp was last compared (epoch ms). */
  checkedAt: number;
}

/** A catalog for one host; its caches live in the returned object. */
export function createSkillCatalog(options: SkillCatalogOptions): SkillCatalog {
  const env = options.env ?? (() => process.env);
  const platform = options.platform ?? process.platform;
  const bins: BinLookup = createBinLookup(env);
  const cache = new Map<string, CachedRoot>();
  const bundledRecheckMs = options.bundledRecheckMs ?? 5000;

  // The last merge of the roots' lists, kept while every root hands back the same list (a
  // root re-reads its folder only when it changed): the same skills array, call after call.
  let merged:
    | {
        perRoot: ReturnType<typeof loadSkillRoot>[];
        skills: LoadedSkill[];
        problems: SkillLoadProblem[];
      }
    | undefined;

  const load = (): { skills: LoadedSkill[]; problems: SkillLoadProblem[] } => {
    bins.refresh();
    const roots: SkillRoot[] = skillRoots({
      extraDirs: options.config().skills.load.extraDirs,
      bundledDir: options.bundledDir,
      managedDir: options.managedDir,
      workspaceDir: options.workspaceDir,
    });
    const now = Date.now();
    const perRoot = roots.map((root) => {
      const key = `${root.source}:${root.dir}`;
      const cached = cache.get(key);
      // The bundled skills ship with ClawdBot (52 folders, two stats each): checked for
      // edits every few seconds rather than on every call, unlike the user's own folders.
      if (root.source === 'bundled' && cached && now - cached.checkedAt < bundledRecheckMs)
        return cached.loaded;
      const stamp = rootStamp(root.dir);
      if (cached?.stamp === stamp) {
        cached.checkedAt = now;
        return cached.loaded;
      }
      const loaded = loadSkillRoot(root);
      cache.set(key, { stamp, loaded, checkedAt: now });
      return loaded;
    });
    if (
      merged?.perRoot.length === perRoot.length &&
      perRoot.every((root, index) => root === merged!.perRoot[index])
    )
      return merged;
    merged = {
      perRoot,
      skills: mergeSkills(perRoot.map((root) => root.skills)),
      problems: perRoot.flatMap((root) => root.problems),
    };
    return merged;
  };

  // What every skill is judged against, read once per pass: the live config stats its file
  // on each read, and a pass judges every skill (52 bundled ones on each turn's snapshot).
  const judgeAll = () => {
    const context = {
      platform,
      env: env(),
      config: options.config(),
      hasBin: (name: string) => bins.has(name),
    };
    return (skill: LoadedSkill): Eligibility => skillEligibility(skill, context);
  };

  // The environment variables any of these skills requires, by skills list.
  const requiredEnv = new WeakMap<LoadedSkill[], string[]>();
  const envStamp = (skills: LoadedSkill[]) => {
    let names = requiredEnv.get(skills);
    if (names === undefined) {
      names = [...new Set(skills.flatMap((skill) => skill.manifest.metadata.requires?.env ?? []))];
      requiredEnv.set(skills, names);
    }
    const values = env();
    return names.map((name) => values[name] ?? '\u0000unset').join('\u0000');
  };
  // The last verdicts, kept while nothing they were judged on changed: the skills (same
  // list), the config (the live config hands back the same object until its file changes),
  // PATH and its folders, the required environment variables. A turn's snapshot then costs
  // the change checks only, not 52 verdicts.
  let verdicts:
    { skills: LoadedSkill[]; config: Config; stamp: string; eligible: LoadedSkill[] } | undefined;

  const eligible = () => {
    const { skills } = load();
    const config = options.config();
    const stamp = `${bins.stamp()}\u0000${envStamp(skills)}`;
    if (verdicts?.skills === skills && verdicts.config === config && verdicts.stamp === stamp)
      return verdicts.eligible;
    const judge = judgeAll();
    const found = skills.filter((skill) => judge(skill).eligible);
    verdicts = { skills, config, stamp, eligible: found };
    return found;
  };

  return {
    status() {
      const { skills, problems } = load();
      const judge = judgeAll();
      return {
        problems,
        skills: skills.map((skill) => {
          const { manifest } = skill;
          const homepage = manifest.homepage ?? manifest.metadata.homepage;
          return {
            name: skill.name,
            key: skill.key,
            description: manifest.description,
            source: skill.source,
            dir: skill.dir,
            file: skill.file,
            ...(manifest.metadata.emoji !== undefined ? { emoji: manifest.metadata.emoji } : {}),
            ...(homepage !== undefined ? { homepage } : {}),
            userInvocable: manifest.userInvocable,
            modelInvocable: !manifest.disableModelInvocation,
            shadows: skill.shadows,
            eligibility: judge(skill),
            install: manifest.metadata.install,
          };
        }),
      };
    },
    eligible,
    snapshot(text) {
      const skills = eligible();
      const snapshot: SkillsSnapshot = {
        skills: skills
          .filter((skill) => !skill.manifest.disableModelInvocation)
          .map((skill) => ({
            name: skill.name,
            description: skill.manifest.description,
            location: skill.file,
          })),
      };
      const command = text !== undefined ? parseSlashCommand(text) : undefined;
      const target = command
        ? skills.find(
            (skill) => skill.name.toLowerCase() === command.name && skill.manifest.userInvocable,
          )
        : undefined;
      if (command && target) {
        snapshot.invoked = {
          name: target.name,
          args: command.args,
          location: target.file,
          instructions: skillInstructions(target),
        };
      }
      return snapshot;
    },
    commandEnv() {
      const config = options.config();
      return Object.assign(
        {},
        ...eligible().map((skill) => skillConfigEnv(config, skill)),
      ) as Record<string, string>;
    },
    readableDirs() {
      return eligible().map((skill) => skill.dir);
    },
    hasBin: (name) => bins.has(name),
  };
}
