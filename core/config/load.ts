import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';
import type { z } from 'zod';
import { ClawdbotError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

/** A validated config and where it came from. */
export interface LoadedConfig {
  config: Config;
  path: string;
  exists: boolean;
}

type Json = Record<string, unknown>;

/** Environment variables that override the file (secrets and the default model). */
const envOverrides: { env: string; path: string[] }[] = [
  { env: 'ANTHROPIC_API_KEY', path: ['providers', 'anthropic', 'apiKey'] },
  { env: 'OPENAI_API_KEY', path: ['providers', 'openai', 'apiKey'] },
  { env: 'OPENAI_BASE_URL', path: ['providers', 'openai', 'baseUrl'] },
  { env: 'ANTHROPIC_BASE_URL', path: ['providers', 'anthropic', 'baseUrl'] },
  { env: 'CLAWDBOT_GATEWAY_TOKEN', path: ['gateway', 'auth', 'token'] },
  { env: 'CLAWDBOT_MODEL', path: ['agent', 'model'] },
  { env: 'CLAWDBOT_POSTGRES_URL', path: ['store', 'postgresUrl'] },
  { env: 'CLAWDBOT_HOST_ID', path: ['worker', 'hostId'] },
  { env: 'ELEVENLABS_API_KEY', path: ['tts', 'elevenlabs', 'apiKey'] },
];

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

function formatIssues(
  file: string,
  issues: z.core.$ZodIssue[],
  fromEnv: Map<string, string>,
): string {
  const lines = issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(root)';
    const source = fromEnv.get(field);
    return `  - ${field}${source ? ` (from ${source})` : ''}: ${issue.message}`;
  });
  return `Invalid config in ${file}:\n${lines.join('\n')}`;
}

/** Validate a raw config object (file content plus env overrides) or throw CONFIG_INVALID. */
export function parseConfig(raw: unknown, file: string, env: NodeJS.ProcessEnv = {}): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ClawdbotError(
      'CONFIG_INVALID',
      `Invalid config in ${file}: expected a JSON object at the top level`,
      { file },
    );
  }
  const merged = structuredClone(raw) as Json;
  const fromEnv = new Map<string, string>();
  for (const { env: name, path } of envOverrides) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    fromEnv.set(path.join('.'), name);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new ClawdbotError('CONFIG_INVALID', formatIssues(file, result.error.issues, fromEnv), {
      file,
      issues: result.error.issues.map((issue) => ({
        path: issue.path.map(String),
        message: issue.message,
      })),
    });
  }
  return result.data;
}

/** Read clawdbot.json (JSON5 accepted) if present, apply env overrides, validate. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ClawdbotError(
        'CONFIG_INVALID',
        `Cannot read config ${file}: ${(error as Error).message}`,
        { file },
      );
    }
  }
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      raw = JSON5.parse(text);
    } catch (error) {
      throw new ClawdbotError(
        'CONFIG_INVALID',
        `Invalid config in ${file}: ${(error as Error).message}`,
        { file },
      );
    }
  }
  return { config: parseConfig(raw, file, env), path: file, exists: text !== undefined };
}

/** Read the file's own content (no env overrides, no defaults): what config.patch edits. */
export function readRawConfig(file: string): Json {
  try {
    const parsed: unknown = JSON5.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Json)
      : {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** Validate and write a config atomically (temp file + rename), so a crash never leaves half a file. */
export function writeConfig(file: string, raw: Json): Config {
  const config = parseConfig(raw, file);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return config;
}
