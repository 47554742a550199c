import JSON5 from 'json5';
import { parseConfig } from '../../core/config/load.js';
import { ClawdbotError } from '../../core/errors.js';
import { configGetParams, configGetResult } from '../../core/protocol/index.js';
import { readConfigText, redactSecrets } from './config-document.js';
import { requireConfigFile } from './deps.js';
import { defineMethod } from './types.js';

function validate(raw: unknown, file: string): { valid: boolean; issues: unknown[] } {
  try {
    parseConfig(raw, file);
    return { valid: true, issues: [] };
  } catch (error) {
    if (!(error instanceof ClawdbotError)) throw error;
    const details = error.details as { issues?: unknown[] } | undefined;
    return { valid: false, issues: details?.issues ?? [{ path: [], message: error.message }] };
  }
}

/** `config.get`: the file as written, whether it is valid, and the effective config; secrets redacted. */
export const configGetMethod = defineMethod({
  method: 'config.get',
  params: configGetParams,
  result: configGetResult,
  handler(_params, context) {
    const file = requireConfigFile(context);
    const { text, hash } = readConfigText(file);
    let raw: unknown = {};
    let parseIssue: string | undefined;
    if (text !== undefined && text.trim() !== '') {
      try {
        raw = JSON5.parse(text);
      } catch (error) {
        parseIssue = (error as Error).message;
      }
    }
    const { valid, issues } =
      parseIssue === undefined
        ? validate(raw, file)
        : { valid: false, issues: [{ path: [], message: parseIssue }] };
    const parsed = redactSecrets(raw) as Record<string, unknown>;
    return {
      path: file,
      exists: text !== undefined,
      hash,
      valid,
      issues,
      raw: JSON.stringify(parsed, null, 2),
      parsed,
      config: redactSecrets(context.gateway.config()) as Record<string, unknown>,
    };
  },
});
