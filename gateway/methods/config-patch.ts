import JSON5 from 'json5';
import { parseConfig, writeConfig } from '../../core/config/load.js';
import { ClawdbotError } from '../../core/errors.js';
import { configPatchParams, configPatchResult } from '../../core/protocol/index.js';
import { mergePatch, readConfigText, redactSecrets, restoreRedacted } from './config-document.js';
import { requireConfigFile } from './deps.js';
import { defineMethod } from './types.js';

function parseJson5(text: string, what: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (error) {
    throw new ClawdbotError('INVALID_REQUEST', `${what}: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `config.patch`: merge `raw` (a JSON5 merge patch: objects merge, null deletes) into
 * clawdbot.json, validate the result with the config schema, write it atomically and
 * make it the gateway's config. `baseHash` (from config.get) guards against lost updates.
 */
export const configPatchMethod = defineMethod({
  method: 'config.patch',
  params: configPatchParams,
  result: configPatchResult,
  // Synchronous from read to write, so two patches can never interleave.
  handler(params, context) {
    const file = requireConfigFile(context);
    const { gateway } = context;
    const { text, hash } = readConfigText(file);
    if (params.baseHash !== undefined && params.baseHash !== hash) {
      throw new ClawdbotError(
        'INVALID_REQUEST',
        'config changed since it was read; run config.get and apply the patch again',
        { hash },
      );
    }
    const patch = parseJson5(params.raw, 'invalid config patch');
    if (!isObject(patch)) {
      throw new ClawdbotError('INVALID_REQUEST', 'config patch must be a JSON object');
    }
    const current =
      text === undefined || text.trim() === '' ? {} : parseJson5(text, `unreadable ${file}`);
    const next = restoreRedacted(mergePatch(current, patch), current) as Record<string, unknown>;
    writeConfig(file, next);
    const config = parseConfig(next, file, gateway.deps.env ?? process.env);
    gateway.setConfig(config);
    return {
      ok: true as const,
      path: file,
      hash: readConfigText(file).hash,
      config: redactSecrets(config) as Record<string, unknown>,
    };
  },
});
