/**
 * `clawdbot config get|set|unset|validate|schema|edit`: the config file itself. These
 * work on clawdbot.json directly, not through the gateway: they must work before the
 * first start (and with a config the gateway refused), and the running gateway picks up
 * every valid change on its own (it watches the file). Edits keep the file's comments
 * (see config-text-edit.ts) and are refused when the result would not validate.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';
import { z } from 'zod';
import { parseConfig } from '../../core/config/load.js';
import { configSchema } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import { resolveStateDir, statePaths } from '../../core/paths.js';
import { redactSecrets } from '../../gateway/methods/config-document.js';
import { printJson, processOutput, type Output } from '../gateway-command.js';
import { setInText, unsetInText } from '../config-text-edit.js';

/** Flags of the config commands. */
export interface ConfigFlags {
  stateDir?: string;
  json?: boolean;
}

function configFile(flags: ConfigFlags): string {
  return statePaths(resolveStateDir(flags.stateDir)).configFile;
}

/** The config file's text ('' when there is none). */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export function parseText(text: string, file: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON5.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ClawdbotError(
      'CONFIG_INVALID',
      `Invalid config in ${file}: ${(error as Error).message}`,
    );
  }
  throw new ClawdbotError('CONFIG_INVALID', `Invalid config in ${file}: expected an object`);
}

/** A dotted key as path segments (`channels.telegram.botToken`). */
function keyPath(key: string): string[] {
  const path = key.split('.');
  if (path.some((part) => part === '')) {
    throw new ClawdbotError(
      'INVALID_REQUEST',
      `"${key}" is not a config key (use dots: gateway.port)`,
    );
  }
  return path;
}

function lookup(value: unknown, path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Write text atomically with the file's private mode (it holds secrets). */
export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

/** Validate edited text (its own content, no environment overrides) before it is written. */
function checked(text: string, file: string): string {
  parseConfig(parseText(text, file), file);
  return text;
}

function fail(output: Output, error: unknown): number {
  if (!(error instanceof ClawdbotError)) throw error;
  output.err(`clawdbot: ${error.message}\n`);
  return 1;
}

/**
 * `config get [key]`: the effective value (defaults applied, secrets redacted unless
 * --show-secrets); `--file` shows what the file itself says instead.
 */
export function runConfigGet(
  key: string | undefined,
  flags: ConfigFlags & { file?: boolean; showSecrets?: boolean },
  output: Output = processOutput,
): number {
  try {
    const file = configFile(flags);
    const raw = parseText(readText(file), file);
    const source = flags.file ? raw : parseConfig(raw, file, process.env);
    const value = key === undefined ? source : lookup(source, keyPath(key));
    if (value === undefined) {
      output.err(`clawdbot: ${key ?? ''} is not set (see \`clawdbot config schema\`)\n`);
      return 1;
    }
    const shown = flags.showSecrets ? value : redactSecrets(value);
    if (flags.json || typeof shown === 'object' || shown === null) printJson(output, shown);
    else output.out(`${shown as string | number | boolean}\n`);
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

/** `config set <key> <value>`: the value is read as JSON5 (a number, true, {...}) or else as a string. */
export function runConfigSet(
  key: string,
  value: string,
  flags: ConfigFlags & { string?: boolean },
  output: Output = processOutput,
): number {
  try {
    const file = configFile(flags);
    let parsed: unknown = value;
    if (!flags.string) {
      try {
        parsed = JSON5.parse(value);
      } catch {
        parsed = value;
      }
    }
    writeText(file, checked(setInText(readText(file), keyPath(key), parsed), file));
    output.out(`Set ${key} in ${file}\n`);
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

/** `config unset <key>`: remove a key (its default applies again). */
export function runConfigUnset(
  key: string,
  flags: ConfigFlags,
  output: Output = processOutput,
): number {
  try {
    const file = configFile(flags);
    const { text, removed } = unsetInText(readText(file), keyPath(key));
    if (!removed) {
      output.err(`clawdbot: ${key} is not set in ${file}\n`);
      return 1;
    }
    writeText(file, checked(text, file));
    output.out(`Removed ${key} from ${file}\n`);
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

/** `config validate`: exit 0 when the file (with environment overrides) is valid, 1 with the problems. */
export function runConfigValidate(flags: ConfigFlags, output: Output = processOutput): number {
  const file = configFile(flags);
  try {
    parseConfig(parseText(readText(file), file), file, process.env);
    if (flags.json) printJson(output, { valid: true, path: file, issues: [] });
    else output.out(`${file} is valid\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ClawdbotError)) throw error;
    const issues = (error.details as { issues?: unknown[] } | undefined)?.issues ?? [
      { path: [], message: error.message },
    ];
    if (flags.json) printJson(output, { valid: false, path: file, issues });
    else output.err(`${error.message}\n`);
    return 1;
  }
}

/** `config schema`: the JSON Schema of clawdbot.json, generated from the zod schema. */
export function runConfigSchema(output: Output = processOutput): number {
  printJson(output, z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
  return 0;
}

/**
 * `config edit`: open a copy in $VISUAL/$EDITOR; the file is replaced only when the
 * edited copy validates, so a typo never reaches the running gateway.
 */
export function runConfigEdit(flags: ConfigFlags, output: Output = processOutput): number {
  const file = configFile(flags);
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const draft = `${file}.edit-${process.pid}.json5`;
  mkdirSync(dirname(file), { recursive: true });
  const before = readText(file);
  let keepDraft = false;
  if (before === '') writeFileSync(draft, '{\n}\n', { mode: 0o600 });
  else copyFileSync(file, draft);
  try {
    const result = spawnSync(`${editor} "${draft}"`, { shell: true, stdio: 'inherit' });
    if (result.status !== 0) {
      output.err(
        `clawdbot: ${editor} exited with ${result.status ?? result.signal}; nothing saved\n`,
      );
      return 1;
    }
    const text = readFileSync(draft, 'utf8');
    if (text === before) {
      output.out('No changes.\n');
      return 0;
    }
    try {
      writeText(file, checked(text, file));
    } catch (error) {
      if (!(error instanceof ClawdbotError)) throw error;
      // Keep the person's edits: they fix the draft rather than start over.
      keepDraft = true;
      output.err(`clawdbot: not saved: ${error.message}\nYour edits are in ${draft}\n`);
      return 1;
    }
    output.out(`Saved ${file}\n`);
    return 0;
  } finally {
    if (!keepDraft) {
      try {
        unlinkSync(draft);
      } catch {
        // already gone
      }
    }
  }
}
