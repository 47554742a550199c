import { ToolError } from './tool.js';

/** One hunk of a file update: lines to find (`oldLines`) and the lines that replace them. */
export interface PatchHunk {
  /** 1-based position among its file's hunks, for error messages. */
  number: number;
  /** Line of the patch text where the hunk starts. */
  patchLine: number;
  /** The text after `@@ ` in the envelope format: a line to find first; the hunk comes after it. */
  anchor?: string;
  oldLines: string[];
  newLines: string[];
  /**
   * For each new line that is a context line, its index in oldLines: a context line matched
   * loosely (other whitespace) keeps the file's version rather than the patch's.
   */
  contextOf: (number | undefined)[];
  /** `*** End of File`: the old lines must be the last lines of the file. */
  atEndOfFile: boolean;
  /** From a unified diff's `@@ -l,n`: the 0-based line where the old lines are expected. */
  hintIndex?: number;
}

/** What a patch does to one file. */
export type FilePatch =
  | { kind: 'add'; path: string; content: string }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; moveTo?: string; hunks: PatchHunk[] };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const END_OF_FILE = '*** End of File';

function invalid(line: number, message: string): ToolError {
  return new ToolError('INVALID_PATCH', `Invalid patch, line ${line}: ${message}`, { line });
}

/**
 * Parse a patch: the `*** Begin Patch` envelope (Add/Update/Delete File, Move to, `@@` hunks)
 * or a plain unified diff (`---`/`+++` headers, `@@ -l,n +l,n @@` hunks). Throws INVALID_PATCH
 * naming the offending line.
 */
export function parsePatch(text: string): FilePatch[] {
  const lines = unwrap(text.split(/\r?\n/));
  const first = lines[0]?.trim();
  if (first === BEGIN) return parseEnvelope(lines);
  if (lines.some((line) => line.startsWith('--- ') || line.startsWith('diff --git '))) {
    return parseUnified(lines);
  }
  throw invalid(
    1,
    `a patch starts with "${BEGIN}" (or is a unified diff with ---/+++ headers); got ${JSON.stringify(first ?? '')}.`,
  );
}

/** Drop blank edges and the wrappers models put around patches (heredoc, code fence). */
function unwrap(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start += 1;
  while (end > start && lines[end - 1]!.trim() === '') end -= 1;
  const first = lines[start]?.trim() ?? '';
  const last = lines[end - 1]?.trim() ?? '';
  const heredoc = /^<<\s*['"]?EOF['"]?$/.test(first) && last === 'EOF';
  const fence = first.startsWith('```') && last === '```' && end - start >= 2;
  return heredoc || fence ? unwrap(lines.slice(start + 1, end - 1)) : lines.slice(start, end);
}

function parseEnvelope(lines: string[]): FilePatch[] {
  if (lines.at(-1)?.trim() !== END) throw invalid(lines.length, `the last line must be "${END}".`);
  const files: FilePatch[] = [];
  let index = 1;
  const last = lines.length - 1;
  while (index < last) {
    const line = lines[index]!;
    const header = line.trim();
    if (header === '') {
      index += 1;
    } else if (header.startsWith(ADD)) {
      const path = headerPath(header, ADD, index);
      const body: string[] = [];
      index += 1;
      while (index < last && !lines[index]!.startsWith('***')) {
        const bodyLine = lines[index]!;
        if (bodyLine !== '' && !bodyLine.startsWith('+')) {
          throw invalid(
            index + 1,
            `every line of an added file starts with "+"; got ${JSON.stringify(bodyLine)}.`,
          );
        }
        body.push(bodyLine);
        index += 1;
      }
      while (body.at(-1) === '') body.pop(); // blank lines before the next header
      const content = body.map((added) => `${added.slice(1)}\n`).join('');
      files.push({ kind: 'add', path, content });
    } else if (header.startsWith(DELETE)) {
      files.push({ kind: 'delete', path: headerPath(header, DELETE, index) });
      index += 1;
    } else if (header.startsWith(UPDATE)) {
      const path = headerPath(header, UPDATE, index);
      index += 1;
      let moveTo: string | undefined;
      if (lines[index]?.trim().startsWith(MOVE)) {
        moveTo = headerPath(lines[index]!.trim(), MOVE, index);
        index += 1;
      }
      const { hunks, next } = parseEnvelopeHunks(lines, index, last);
      if (hunks.length === 0 && moveTo === undefined) {
        throw invalid(index, `"${UPDATE}${path}" has no hunks.`);
      }
      files.push({ kind: 'update', path, ...(moveTo !== undefined ? { moveTo } : {}), hunks });
      index = next;
    } else {
      throw invalid(
        index + 1,
        `expected "${ADD}<path>", "${UPDATE}<path>" or "${DELETE}<path>"; got ${JSON.stringify(line)}.`,
      );
    }
  }
  if (files.length === 0) throw invalid(1, 'the patch changes no file.');
  return files;
}

function headerPath(header: string, marker: string, index: number): string {
  const path = header.slice(marker.length).trim();
  if (path === '') throw invalid(index + 1, `"${marker.trim()}" needs a path.`);
  return path;
}

/** The `@@` hunks of one updated file, from `index` to the next `***` header. */
function parseEnvelopeHunks(lines: string[], index: number, last: number) {
  const hunks: PatchHunk[] = [];
  let hunk: PatchHunk | undefined;
  for (; index < last; index += 1) {
    const line = lines[index]!;
    if (line.trim() === END_OF_FILE) {
      if (hunk === undefined) throw invalid(index + 1, `"${END_OF_FILE}" outside a hunk.`);
      hunk.atEndOfFile = true;
      hunk = undefined;
      continue;
    }
    if (line.startsWith('***')) break;
    if (line.startsWith('@@')) {
      const anchor = line.slice(2).trim();
      hunk = newHunk(hunks.length + 1, index + 1, anchor === '' ? undefined : anchor);
      hunks.push(hunk);
      continue;
    }
    if (hunk === undefined) {
      // The first hunk may leave out its `@@` line; blank lines between hunks are not lines.
      if (line.trim() === '') continue;
      if (hunks.length > 0 || !/^[ +-]/.test(line)) {
        throw invalid(
          index + 1,
          `expected a "@@" line to start a hunk; got ${JSON.stringify(line)}.`,
        );
      }
      hunk = newHunk(1, index + 1, undefined);
      hunks.push(hunk);
    }
    addHunkLine(hunk, line, index);
  }
  for (const each of hunks) trimTrailingBlank(each);
  const empty = hunks.find((each) => each.oldLines.length === 0 && each.newLines.length === 0);
  if (empty) throw invalid(empty.patchLine, `hunk ${empty.number} has no lines.`);
  return { hunks, next: index };
}

function newHunk(number: number, patchLine: number, anchor: string | undefined): PatchHunk {
  return {
    number,
    patchLine,
    ...(anchor !== undefined ? { anchor } : {}),
    oldLines: [],
    newLines: [],
    contextOf: [],
    atEndOfFile: false,
  };
}

function addHunkLine(hunk: PatchHunk, line: string, index: number): void {
  const marker = line[0];
  const content = line.slice(1);
  if (marker === undefined || marker === ' ') {
    // An empty line is an empty context line whose leading space got lost.
    hunk.contextOf.push(hunk.oldLines.length);
    hunk.oldLines.push(content);
    hunk.newLines.push(content);
  } else if (marker === '-') {
    hunk.oldLines.push(content);
  } else if (marker === '+') {
    hunk.contextOf.push(undefined);
    hunk.newLines.push(content);
  } else if (marker !== '\\') {
    // `\ No newline at end of file` is ignored; anything else is a mistake.
    throw invalid(
      index + 1,
      `a hunk line starts with " " (context), "-" (remove) or "+" (add); got ${JSON.stringify(line)}.`,
    );
  }
}

/** Blank lines that only separate hunks or files are not context. */
function trimTrailingBlank(hunk: PatchHunk, keep = 1): void {
  const blankContext = () =>
    hunk.oldLines.at(-1) === '' && hunk.contextOf.at(-1) === hunk.oldLines.length - 1;
  while (hunk.oldLines.length > keep && blankContext()) {
    hunk.oldLines.pop();
    hunk.newLines.pop();
    hunk.contextOf.pop();
  }
}

const UNIFIED_HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function diffPath(raw: string): string | undefined {
  const path = raw.split('\t')[0]!.trim(); // drop a trailing timestamp
  return path === '/dev/null' ? undefined : path;
}

function parseUnified(lines: string[]): FilePatch[] {
  const files: FilePatch[] = [];
  // A git rename without changes has only `rename from`/`rename to` lines, no ---/+++.
  let rename: { from?: string; to?: string } = {};
  const flushRename = () => {
    if (rename.from !== undefined && rename.to !== undefined) {
      files.push({ kind: 'update', path: rename.from, moveTo: rename.to, hunks: [] });
    }
    rename = {};
  };
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (!line.startsWith('--- ')) {
      if (line.startsWith('Binary files ') || line.startsWith('GIT binary patch')) {
        throw invalid(index + 1, 'binary patches are not supported.');
      }
      if (line.startsWith('diff --git ')) flushRename();
      if (line.startsWith('rename from ')) rename.from = line.slice(12).trim();
      if (line.startsWith('rename to ')) rename.to = line.slice(10).trim();
      index += 1; // index, mode lines and commentary
      continue;
    }
    rename = {};
    const plus = lines[index + 1];
    if (plus === undefined || !plus.startsWith('+++ ')) {
      throw invalid(index + 2, 'a "---" header must be followed by a "+++" header.');
    }
    let oldPath = diffPath(line.slice(4));
    let newPath = diffPath(plus.slice(4));
    if ((oldPath ?? 'a/').startsWith('a/') && (newPath ?? 'b/').startsWith('b/')) {
      oldPath = oldPath?.slice(2);
      newPath = newPath?.slice(2);
    }
    const { hunks, next } = parseUnifiedHunks(lines, index + 2);
    index = next;
    if (oldPath === undefined && newPath === undefined)
      throw invalid(index, 'both paths are /dev/null.');
    if (oldPath === undefined) {
      const content = hunks.flatMap((hunk) => hunk.newLines).map((each) => `${each}\n`);
      files.push({ kind: 'add', path: newPath!, content: content.join('') });
    } else if (newPath === undefined) {
      files.push({ kind: 'delete', path: oldPath });
    } else {
      if (hunks.length === 0 && oldPath === newPath)
        throw invalid(index, `${oldPath} has no hunks.`);
      const moveTo = newPath !== oldPath ? { moveTo: newPath } : {};
      files.push({ kind: 'update', path: oldPath, ...moveTo, hunks });
    }
  }
  flushRename();
  if (files.length === 0) throw invalid(1, 'the diff changes no file.');
  return files;
}

function parseUnifiedHunks(lines: string[], index: number) {
  const hunks: PatchHunk[] = [];
  while (index < lines.length) {
    const match = UNIFIED_HUNK.exec(lines[index]!);
    if (match === null) break;
    const oldStart = Number(match[1]);
    const oldCount = match[2] === undefined ? 1 : Number(match[2]);
    const hunk = newHunk(hunks.length + 1, index + 1, undefined);
    // `-l,0` means "after line l"; otherwise the old lines start at line l.
    hunk.hintIndex = oldCount === 0 ? oldStart : Math.max(0, oldStart - 1);
    hunks.push(hunk);
    index += 1;
    for (; index < lines.length; index += 1) {
      const line = lines[index]!;
      const nextFile = line.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ');
      if (UNIFIED_HUNK.test(line) || line.startsWith('diff --git ') || nextFile) break;
      if (line !== '' && !/^[ +\-\\]/.test(line)) break;
      addHunkLine(hunk, line, index);
    }
    // Blank lines between files count as context only as far as the header's count allows.
    trimTrailingBlank(hunk, oldCount);
  }
  return { hunks, next: index };
}
