/**
 * The SKILL.md format (AgentSkills, as OpenClaw writes it): YAML frontmatter between `---`
 * lines, then a Markdown body. This is the one parser for bundled, managed and workspace
 * skills, so it accepts what OpenClaw's skills carry (`metadata.openclaw`, `metadata.moltbot`)
 * and is strict only where a typo would silently change gating.
 */
import JSON5 from 'json5';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ClawdbotError } from '../errors.js';

/** Metadata keys that hold our block, in the order they are looked up (first found wins). */
export const metadataKeys = ['clawdbot', 'openclaw', 'moltbot'] as const;

const stringList = z.array(z.string().min(1));

/** One way to install what a skill needs; which fields matter depends on `kind`. */
export const installSpecSchema = z.strictObject({
  id: z.string().min(1).optional(),
  kind: z.enum(['brew', 'node', 'go', 'uv', 'download', 'apt']),
  label: z.string().min(1).optional(),
  bins: stringList.optional(),
  os: stringList.optional(),
  formula: z.string().min(1).optional(),
  package: z.string().min(1).optional(),
  module: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
  archive: z.string().min(1).optional(),
  extract: z.boolean().optional(),
  stripComponents: z.number().int().nonnegative().optional(),
  targetDir: z.string().min(1).optional(),
});

/** What must hold on the host for the skill to be eligible. */
export const requiresSchema = z.strictObject({
  bins: stringList.default([]),
  anyBins: stringList.default([]),
  env: stringList.default([]),
  config: stringList.default([]),
});

/**
 * Our block inside `metadata`. Strict: an unknown key is almost always a misspelt gate
 * (`require`, `bin`), which would otherwise make a skill eligible where it cannot work.
 */
export const skillMetadataSchema = z.strictObject({
  emoji: z.string().min(1).optional(),
  always: z.boolean().optional(),
  os: stringList.optional(),
  requires: requiresSchema.optional(),
  primaryEnv: z.string().min(1).optional(),
  install: z.array(installSpecSchema).default([]),
  skillKey: z.string().min(1).optional(),
  homepage: z.string().min(1).optional(),
});

/** The frontmatter keys we read; others (license, allowed-tools...) are left to the lint. */
export const frontmatterSchema = z.object({
  name: z.string().trim().min(1),
  description: z.string().trim().min(1),
  homepage: z.string().trim().min(1).optional(),
  'user-invocable': z.boolean().default(true),
  'disable-model-invocation': z.boolean().default(false),
  metadata: z.unknown().optional(),
});

/** Top-level frontmatter keys this project knows (the lint rejects others in bundled skills). */
export const knownFrontmatterKeys: readonly string[] = [
  ...Object.keys(frontmatterSchema.shape),
  'license',
  'allowed-tools',
  'compatibility',
];

export type SkillMetadata = z.infer<typeof skillMetadataSchema>;
export type InstallSpec = z.infer<typeof installSpecSchema>;

/** A parsed SKILL.md. */
export interface SkillManifest {
  name: string;
  description: string;
  homepage?: string;
  userInvocable: boolean;
  disableModelInvocation: boolean;
  /** Our metadata block (empty defaults when the skill has none). */
  metadata: SkillMetadata;
  /** Which metadata key it came from, or undefined when the skill has none. */
  metadataKey?: (typeof metadataKeys)[number];
  /** The raw frontmatter object, for the lint and for keys we do not model. */
  frontmatter: Record<string, unknown>;
  /** The Markdown after the frontmatter. */
  body: string;
}

function invalid(file: string, field: string, message: string): ClawdbotError {
  return new ClawdbotError('SKILL_INVALID', `${file}: ${field}: ${message}`, { file, field });
}

function fieldOf(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((part) => part !== '').join('.') || '(frontmatter)';
}

/** Split `---\n yaml \n---\n body`; the frontmatter must open on the first line. */
export function splitFrontmatter(
  text: string,
  file: string,
): { yaml: string; body: string; bodyStartLine: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw invalid(
      file,
      '(frontmatter)',
      'the file must start with a --- line opening the YAML frontmatter',
    );
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end < 0) throw invalid(file, '(frontmatter)', 'no closing --- line after the frontmatter');
  return {
    yaml: lines.slice(1, end).join('\n'),
    body: lines.slice(end + 1).join('\n'),
    bodyStartLine: end + 2,
  };
}

/**
 * OpenClaw writes `metadata` as one line of JSON, which YAML already reads as a flow mapping;
 * some tools quote it, so a string is parsed as JSON5 too.
 */
function metadataObject(raw: unknown, file: string): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON5.parse(raw);
    } catch (error) {
      throw invalid(file, 'metadata', `not valid JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(file, 'metadata', 'expected one JSON object');
  }
  return value as Record<string, unknown>;
}

/** Parse and validate a SKILL.md's text; `file` only names it in errors. */
export function parseSkillManifest(text: string, file: string): SkillManifest {
  const { yaml, body } = splitFrontmatter(text, file);
  let raw: unknown;
  try {
    raw = parseYaml(yaml);
  } catch (error) {
    throw invalid(file, '(frontmatter)', `not valid YAML: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(file, '(frontmatter)', 'expected a YAML mapping of keys');
  }
  const top = frontmatterSchema.safeParse(raw);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    throw invalid(file, fieldOf('', issue.path), issue.message);
  }
  const container = metadataObject(top.data.metadata, file);
  const metadataKey = container ? metadataKeys.find((key) => key in container) : undefined;
  let metadata: SkillMetadata = skillMetadataSchema.parse({});
  if (container && metadataKey) {
    const parsed = skillMetadataSchema.safeParse(container[metadataKey]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(file, fieldOf(`metadata.${metadataKey}`, issue.path), issue.message);
    }
    metadata = parsed.data;
  }
  const manifest: SkillManifest = {
    name: top.data.name,
    description: top.data.description,
    userInvocable: top.data['user-invocable'],
    disableModelInvocation: top.data['disable-model-invocation'],
    metadata,
    frontmatter: raw as Record<string, unknown>,
    body,
  };
  if (top.data.homepage !== undefined) manifest.homepage = top.data.homepage;
  if (metadataKey) manifest.metadataKey = metadataKey;
  return manifest;
}
