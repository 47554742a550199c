import type { PatchHunk } from './patch-parse.js';

/** A text as lines, with what is needed to write it back the way it was (CRLF, final newline). */
interface Lines {
  lines: string[];
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

function toLines(text: string): Lines {
  const lines = text.split(/\r?\n/);
  const finalNewline = text === '' || lines.at(-1) === '';
  if (lines.at(-1) === '') lines.pop();
  return { lines, eol: text.includes('\r\n') ? '\r\n' : '\n', finalNewline };
}

function fromLines({ lines, eol, finalNewline }: Lines): string {
  return lines.length === 0 ? '' : lines.join(eol) + (finalNewline ? eol : '');
}

/**
 * Ways a model's copy of a line may differ from the file, tried strictest first: trailing
 * whitespace, indentation, then typographic dashes, quotes and spaces it "corrected".
 */
const normalizers: ((line: string) => string)[] = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  (line) =>
    line
      .trim()
      .replace(/[\u2010-\u2015\u2212]/g, '-')
      .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
      .replace(/[\u201C-\u201F]/g, '"')
      .replace(/[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, ' '),
];

interface SeekOptions {
  from: number;
  atEnd?: boolean;
  /** Among several matches, take the one closest to this line (unified diff line numbers). */
  hint?: number;
}

/** Every start at or after `from` where `pattern` matches, at the strictest level that matches. */
function findAll(lines: string[], pattern: string[], options: SeekOptions): number[] {
  const last = lines.length - pattern.length;
  const first = options.atEnd ? last : options.from;
  if (pattern.length === 0 || first < options.from || first > last) return [];
  for (const normalize of normalizers) {
    const wanted = pattern.map(normalize);
    const found: number[] = [];
    for (let start = first; start <= last; start += 1) {
      if (wanted.every((line, offset) => normalize(lines[start + offset]!) === line)) {
        found.push(start);
      }
    }
    if (found.length > 0) return found;
  }
  return [];
}

function seek(lines: string[], pattern: string[], options: SeekOptions): number | undefined {
  const found = findAll(lines, pattern, options);
  const { hint } = options;
  if (hint === undefined) return found[0];
  return found.reduce<number | undefined>(
    (best, at) => (best === undefined || Math.abs(at - hint) < Math.abs(best - hint) ? at : best),
    undefined,
  );
}

/** Why a hunk could not be placed, for the error the model reads. */
export interface HunkMismatch {
  hunk: PatchHunk;
  reason: string;
}

/** Where a hunk's anchor (`@@ line`) puts the search start, or a mismatch. */
function afterAnchor(lines: string[], hunk: PatchHunk, from: number): number | HunkMismatch {
  if (hunk.anchor === undefined) return from;
  const at = seek(lines, [hunk.anchor], { from });
  if (at === undefined)
    return { hunk, reason: `its context line "@@ ${hunk.anchor}" was not found` };
  return at + 1;
}

/**
 * Apply hunks in order to `text` in memory. Each hunk is searched after the previous one, so
 * hunks must be in file order. Returns the new text or the first hunk that does not match.
 */
export function applyHunks(text: string, hunks: PatchHunk[]): string | HunkMismatch {
  const parsed = toLines(text);
  const { lines } = parsed;
  const edits: { at: number; remove: number; insert: string[] }[] = [];
  let cursor = 0;
  for (const hunk of hunks) {
    const from = afterAnchor(lines, hunk, cursor);
    if (typeof from !== 'number') return from;
    let { oldLines, newLines } = hunk;
    let at: number | undefined;
    if (oldLines.length === 0) {
      // Pure insertion: at the line number given, after the anchor, else at the end.
      const fallback = hunk.anchor !== undefined ? from : lines.length;
      at = hunk.atEndOfFile
        ? lines.length
        : Math.max(from, Math.min(hunk.hintIndex ?? fallback, lines.length));
    } else {
      const options = { from, atEnd: hunk.atEndOfFile, hint: hunk.hintIndex };
      at = seek(lines, oldLines, options);
      if (at === undefined && oldLines.at(-1) === '') {
        // A trailing blank context line that the file does not have (often the patch's own).
        oldLines = oldLines.slice(0, -1);
        if (newLines.at(-1) === '') newLines = newLines.slice(0, -1);
        at = seek(lines, oldLines, options);
      }
    }
    if (at === undefined) return { hunk, reason: 'its lines were not found in the file' };
    const start = at;
    const insert = newLines.map((line, index) => {
      const context = hunk.contextOf[index];
      return context !== undefined && context < oldLines.length ? lines[start + context]! : line;
    });
    edits.push({ at, remove: oldLines.length, insert });
    cursor = at + oldLines.length;
  }
  for (const edit of edits.reverse()) lines.splice(edit.at, edit.remove, ...edit.insert);
  return fromLines(parsed);
}

/**
 * Whether `text` already shows every hunk applied: each hunk's new lines are present (in
 * order) and its old lines occur nowhere after the previous hunk except inside those new lines
 * (old "f(a)" → new "f(a)\ng(b)" leaves the old lines inside the new ones). Hunks that change
 * nothing are ignored. This is what a retry sees after a successful apply.
 */
export function hunksApplied(text: string, hunks: PatchHunk[]): boolean {
  const { lines } = toLines(text);
  let cursor = 0;
  for (const hunk of hunks) {
    const from = afterAnchor(lines, hunk, cursor);
    if (typeof from !== 'number') return false;
    const { oldLines, newLines } = hunk;
    if (oldLines.length === newLines.length && oldLines.every((line, i) => line === newLines[i])) {
      continue;
    }
    let at = from;
    if (newLines.length > 0) {
      const found = seek(lines, newLines, { from, atEnd: hunk.atEndOfFile, hint: hunk.hintIndex });
      if (found === undefined) return false;
      at = found;
    }
    const end = at + newLines.length;
    const stray = findAll(lines, oldLines, { from }).some(
      (start) => start < at || start + oldLines.length > end,
    );
    if (stray) return false;
    cursor = end;
  }
  return true;
}
