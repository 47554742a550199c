/**
 * `clawdbot.plugin.json`: read and checked without importing any plugin code, so config
 * can be validated (and `plugins doctor` can report) even when a plugin's entry is broken.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { zodFromJsonSchema } from './json-schema.js';
import type { PluginManifest } from './types.js';

/** The manifest's file name at a plugin's root (OpenClaw's legacy name, which its bundled plugins still ship). */
export const manifestFileName = 'clawdbot.plugin.json';

/** The entry file when the manifest names none. */
export const defaultEntry = 'index.ts';

const jsonSchemaObject = z.record(z.string(), z.unknown());

/** Plugin and channel ids: they become config keys, folder names and URL segments. */
export const pluginIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** zod schema of a manifest. Unknown top-level keys are ignored (newer manifests stay readable). */
export const pluginManifestSchema = z.object({
  id: z.string().regex(pluginIdPattern, 'lower-case letters, digits, ".", "_" or "-" (at most 64)'),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  kind: z.enum(['channel', 'tool', 'provider', 'service', 'hooks', 'memory']).optional(),
  entry: z
    .string()
    .min(1)
    .refine((entry) => !entry.startsWith('/') && !entry.split(/[\\/]/).includes('..'), {
      message: 'a path inside the plugin folder',
    })
    .optional(),
  channels: z
    .array(z.string().regex(pluginIdPattern, 'a channel id (lower-case letters, digits, . _ -)'))
    .optional(),
  providers: z
    .array(z.string().regex(pluginIdPattern, 'a provider id (lower-case letters, digits, . _ -)'))
    .optional(),
  skills: z.array(z.string().min(1)).optional(),
  configSchema: jsonSchemaObject,
  channelConfigSchemas: z.record(z.string(), jsonSchemaObject).optional(),
  uiHints: z
    .record(
      z.string(),
      z.object({
        label: z.string().optional(),
        help: z.string().optional(),
        placeholder: z.string().optional(),
        sensitive: z.boolean().optional(),
        advanced: z.boolean().optional(),
      }),
    )
    .optional(),
});

/** A manifest read from disk, or why it could not be used. */
export type ManifestReadResult =
  | { ok: true; manifest: PluginManifest; entryPath: string }
  | { ok: false; reason: string; id?: string };

function schemaProblem(manifest: PluginManifest): string | undefined {
  const schemas: [string, unknown][] = [
    ['configSchema', manifest.configSchema],
    ...Object.entries(manifest.channelConfigSchemas ?? {}).map(
      ([channel, schema]): [string, unknown] => [`channelConfigSchemas.${channel}`, schema],
    ),
  ];
  for (const [field, schema] of schemas) {
    try {
      zodFromJsonSchema(schema as Record<string, unknown>);
    } catch (error) {
      return `${field} is not a usable JSON Schema: ${(error as Error).message}`;
    }
  }
  for (const channel of Object.keys(manifest.channelConfigSchemas ?? {})) {
    if (!(manifest.channels ?? []).includes(channel))
      return `channelConfigSchemas.${channel} names a channel missing from "channels"`;
  }
  return undefined;
}

/** Read and validate `<dir>/clawdbot.plugin.json`; never throws. */
export function readManifest(dir: string): ManifestReadResult {
  const file = join(dir, manifestFileName);
  if (!existsSync(file)) return { ok: false, reason: `no ${manifestFileName}` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, reason: `${manifestFileName} is not JSON: ${(error as Error).message}` };
  }
  const rawId =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : undefined;
  const parsed = pluginManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return {
      ok: false,
      reason: `invalid ${manifestFileName}: ${issues}`,
      ...(rawId ? { id: rawId } : {}),
    };
  }
  const manifest = parsed.data;
  const problem = schemaProblem(manifest);
  if (problem)
    return { ok: false, reason: `invalid ${manifestFileName}: ${problem}`, id: manifest.id };
  const entryPath = resolve(dir, manifest.entry ?? defaultEntry);
  if (!existsSync(entryPath))
    return {
      ok: false,
      reason: `entry ${manifest.entry ?? defaultEntry} not found`,
      id: manifest.id,
    };
  return { ok: true, manifest, entryPath };
}
