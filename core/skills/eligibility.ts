/**
 * Whether a skill can be used on this host, and if not, exactly why. The checks and their
 * order are OpenClaw's (so a config written for it behaves the same); unlike OpenClaw,
 * every ineligible skill carries the first failed check in words, because "why is my
 * skill not used?" is the question its users could not answer.
 */
import type { Config } from '../config/schema.js';
import type { SkillEntryConfig } from '../config/skills-schema.js';
import type { LoadedSkill } from './loader.js';

/** Which check left a skill out, in the order they run. */
export type IneligibleCode =
  | 'disabled'
  | 'not-allowed'
  | 'os'
  | 'missing-bins'
  | 'missing-any-bin'
  | 'missing-env'
  | 'missing-config';

/** A skill's verdict. `missing` names what is absent (binaries, variables, config paths). */
export type Eligibility =
  | { eligible: true; always: boolean }
  | { eligible: false; code: IneligibleCode; reason: string; missing: string[] };

/** What the checks look at: the host that would run the skill's commands. */
export interface EligibilityHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  config: Config;
  /** Whether an executable of this name is on the host's PATH. */
  hasBin(name: string): boolean;
}

/** The skill's settings in `skills.entries`, if any. */
export function skillEntry(config: Config, skill: Pick<LoadedSkill, 'key'>): SkillEntryConfig {
  return config.skills.entries[skill.key] ?? {};
}

/**
 * The environment the skill's config adds for commands: `entries.<key>.env`, plus
 * `apiKey` as the skill's `primaryEnv` variable.
 */
export function skillConfigEnv(
  config: Config,
  skill: Pick<LoadedSkill, 'key' | 'manifest'>,
): Record<string, string> {
  const entry = skillEntry(config, skill);
  const env: Record<string, string> = { ...entry.env };
  const primary = skill.manifest.metadata.primaryEnv;
  if (primary !== undefined && entry.apiKey !== undefined) env[primary] = entry.apiKey;
  return env;
}

/** Whether a dotted config path (e.g. `channels.discord`) holds a truthy value. */
export function configPathTruthy(config: Config, path: string): boolean {
  let value: unknown = config;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return false;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

function out(code: IneligibleCode, missing: string[], reason: string): Eligibility {
  return { eligible: false, code, reason, missing };
}

/** Run the checks, in order, and stop at the first that fails. */
export function skillEligibility(
  skill: Pick<LoadedSkill, 'name' | 'key' | 'source' | 'manifest'>,
  host: EligibilityHost,
): Eligibility {
  const { config } = host;
  const entry = skillEntry(config, skill);
  const metadata = skill.manifest.metadata;
  if (entry.enabled === false) {
    return out('disabled', [], `disabled in config (skills.entries.${skill.key}.enabled: false)`);
  }
  const allow = config.skills.allowBundled;
  if (skill.source === 'bundled' && allow !== undefined && !allow.includes(skill.name)) {
    return out('not-allowed', [], 'bundled skill not in skills.allowBundled');
  }
  if (metadata.os !== undefined && metadata.os.length > 0 && !metadata.os.includes(host.platform)) {
    return out(
      'os',
      metadata.os,
      `runs only on ${metadata.os.join(', ')} (this host is ${host.platform})`,
    );
  }
  if (metadata.always === true) return { eligible: true, always: true };
  const requires = metadata.requires;
  const bins = (requires?.bins ?? []).filter((bin) => !host.hasBin(bin));
  if (bins.length > 0) {
    return out('missing-bins', bins, `missing on PATH: ${bins.join(', ')}`);
  }
  const anyBins = requires?.anyBins ?? [];
  if (anyBins.length > 0 && !anyBins.some((bin) => host.hasBin(bin))) {
    return out('missing-any-bin', anyBins, `needs one of these on PATH: ${anyBins.join(', ')}`);
  }
  const configured = skillConfigEnv(config, skill);
  const env = (requires?.env ?? []).filter(
    (name) => !host.env[name] && configured[name] === undefined,
  );
  if (env.length > 0) {
    const hint =
      metadata.primaryEnv !== undefined && env.includes(metadata.primaryEnv)
        ? ` (or set skills.entries.${skill.key}.apiKey)`
        : ` (or set skills.entries.${skill.key}.env)`;
    return out('missing-env', env, `environment variable not set: ${env.join(', ')}${hint}`);
  }
  const paths = (requires?.config ?? []).filter((path) => !configPathTruthy(config, path));
  if (paths.length > 0) {
    return out('missing-config', paths, `config not set: ${paths.join(', ')}`);
  }
  return { eligible: true, always: false };
}
