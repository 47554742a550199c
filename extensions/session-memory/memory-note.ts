/**
 * The memory note of one ended session: `memory/YYYY-MM-DD-<slug>.md` in the workspace,
 * where the memory index picks it up. The note names its session in a comment, which is
 * how a retried hook knows the note is already written.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The comment line that ties a note to its session. */
export function sessionMarker(sessionId: string): string {
  return `<!-- clawdbot session-memory: session ${sessionId} -->`;
}

/** The note of `sessionId` already in `dir`, if any. */
export function existingNote(dir: string, sessionId: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const marker = sessionMarker(sessionId);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .find((name) => readFileSync(join(dir, name), 'utf8').includes(marker));
}

/** A file-name slug of a title: lower-case words joined by dashes, at most 48 characters. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'session';
}

/** `YYYY-MM-DD` of `at` in the host's local time (as the daily reset counts days). */
export function localDate(at: number): string {
  const date = new Date(at);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Write the note under a name not taken by another session's note (`-2`, `-3`, ...);
 * written whole to a temporary name first, so the index never reads half a note.
 */
export function writeNote(dir: string, base: string, content: string): string {
  mkdirSync(dir, { recursive: true });
  let name = `${base}.md`;
  for (let suffix = 2; existsSync(join(dir, name)); suffix++) name = `${base}-${suffix}.md`;
  const temporary = join(dir, `.${name}.tmp`);
  writeFileSync(temporary, content);
  renameSync(temporary, join(dir, name));
  return name;
}
