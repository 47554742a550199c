/**
 * The lint for skill folders: what a bundled skill must satisfy beyond parsing. The parser
 * stays lenient where OpenClaw's skills need it; bundled skills are held to the stricter
 * format of this repo (known keys only, a real body, no template leftovers).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClawdbotError } from '../errors.js';
import { knownFrontmatterKeys, metadataKeys, parseSkillManifest } from './frontmatter.js';

/** Longest description allowed: it is repeated in every prompt that lists the skill. */
export const maxDescriptionLength = 300;
/** Fewest body lines: shorter bodies have so far always been stubs, not instructions. */
export const minBodyLines = 40;

/**
 * Words a finished skill does not contain. Upper-case markers are matched case-sensitively,
 * since "todo" is an ordinary word for the reminder and task skills.
 */
const placeholderPatterns: readonly RegExp[] = [
  /\b(?:TODO|TBD|FIXME|XXX)\b/,
  /\blorem\b/i,
  /\bplaceholder\b/i,
  /\bintegration required\b/i,
  /\bcoming soon\b/i,
  /\bnot yet (?:written|documented|implemented)\b/i,
  /\bfill (?:this )?in\b/i,
];

/** The kind of defect, stable so tests and tools can match on it. */
export type SkillLintRule =
  | 'missing-file'
  | 'frontmatter'
  | 'name-mismatch'
  | 'description-too-long'
  | 'unknown-key'
  | 'body-too-short'
  | 'placeholder';

/** One defect in one skill. */
export interface SkillLintIssue {
  skill: string;
  file: string;
  rule: SkillLintRule;
  message: string;
}

/** Lines of the body that carry text, ignoring blank lines at either end. */
function bodyLineCount(body: string): number {
  const lines = body.split(/\r?\n/);
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return end - start;
}

/** Lint one skill folder (its name is the folder's last segment). */
export function lintSkillFolder(folder: string, skill: string): SkillLintIssue[] {
  const file = join(folder, 'SKILL.md');
  const issues: SkillLintIssue[] = [];
  const report = (rule: SkillLintRule, message: string) =>
    issues.push({ skill, file, rule, message });
  if (!existsSync(file)) {
    report('missing-file', `${file} does not exist`);
    return issues;
  }
  const text = readFileSync(file, 'utf8');
  let manifest;
  try {
    manifest = parseSkillManifest(text, file);
  } catch (error) {
    if (!(error instanceof ClawdbotError)) throw error;
    report('frontmatter', error.message);
    return issues;
  }
  if (manifest.name !== skill) {
    report('name-mismatch', `name "${manifest.name}" differs from the folder name "${skill}"`);
  }
  if (manifest.description.length > maxDescriptionLength) {
    report(
      'description-too-long',
      `description has ${manifest.description.length} characters (at most ${maxDescriptionLength})`,
    );
  }
  for (const key of Object.keys(manifest.frontmatter)) {
    if (!knownFrontmatterKeys.includes(key))
      report('unknown-key', `unknown frontmatter key "${key}"`);
  }
  const container = manifest.frontmatter.metadata;
  if (container !== undefined) {
    const keys = typeof container === 'object' && container !== null ? Object.keys(container) : [];
    const ours = keys.filter((key) => (metadataKeys as readonly string[]).includes(key));
    for (const key of keys.filter((key) => !ours.includes(key))) {
      report('unknown-key', `unknown metadata key "${key}" (expected ${metadataKeys.join(', ')})`);
    }
    if (ours.length === 0) report('unknown-key', `metadata has none of ${metadataKeys.join(', ')}`);
  }
  const lines = bodyLineCount(manifest.body);
  if (lines < minBodyLines) {
    report('body-too-short', `body has ${lines} lines (at least ${minBodyLines})`);
  }
  const textLines = text.split(/\r?\n/);
  textLines.forEach((line, index) => {
    const hit = placeholderPatterns.find((pattern) => pattern.test(line));
    if (hit) report('placeholder', `line ${index + 1} has placeholder text: ${line.trim()}`);
  });
  return issues;
}

/** Lint every folder under a skills directory. */
export function lintSkillsDir(root: string): SkillLintIssue[] {
  return readdirSync(root)
    .filter((entry) => statSync(join(root, entry)).isDirectory())
    .sort()
    .flatMap((skill) => lintSkillFolder(join(root, skill), skill));
}
