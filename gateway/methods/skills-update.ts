import { parseConfig, readRawConfig, writeConfig } from '../../core/config/load.js';
import { mergePatch, redactSecrets } from './config-document.js';
import { requireConfigFile } from './deps.js';
import { skillsUpdateParams, skillsUpdateResult } from './skills-protocol.js';
import { defineMethod } from './types.js';

/**
 * `skills.update`: enable or disable a skill, set its env or apiKey, written to
 * `skills.entries.<skillKey>` in clawdbot.json. Workers see the file's new version on
 * their next turn (they re-read it when its change time moves).
 */
export const skillsUpdateMethod = defineMethod({
  method: 'skills.update',
  params: skillsUpdateParams,
  result: skillsUpdateResult,
  // Synchronous from read to write, like config.patch, so two updates never interleave.
  handler(params, context) {
    const file = requireConfigFile(context);
    const { gateway } = context;
    const entry: Record<string, unknown> = {};
    if (params.enabled !== undefined) entry.enabled = params.enabled;
    if (params.apiKey !== undefined) entry.apiKey = params.apiKey;
    if (params.env !== undefined) entry.env = params.env;
    const next = mergePatch(readRawConfig(file), {
      skills: { entries: { [params.skillKey]: entry } },
    }) as Record<string, unknown>;
    writeConfig(file, next);
    const config = parseConfig(next, file, gateway.deps.env ?? process.env);
    gateway.setConfig(config);
    const written = config.skills.entries[params.skillKey] ?? {};
    return {
      ok: true as const,
      skillKey: params.skillKey,
      entry: redactSecrets(written) as Record<string, unknown>,
    };
  },
});
