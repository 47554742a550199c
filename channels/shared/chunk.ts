/**
 * Splitting a long model reply into messages a platform accepts. Users of other assistants
 * lose the end of long replies or get them cut inside a code block (inventory 5.6), so the
 * split prefers the boundaries a reader expects and keeps code blocks whole, or, when one
 * block alone is too long, closes and reopens its fence so every piece still renders.
 */

/** One chunk, formatted for the platform or (when formatting could not fit) plain Markdown. */
export interface FormattedChunk {
  text: string;
  /** false: `text` is the raw Markdown, to be sent without a parse mode. */
  formatted: boolean;
  /** The Markdown this piece came from: what to send as plain text if the platform rejects `text`. */
  markdown: string;
}

/** A fenced code block as found in the text being split. */
interface FencedBlock {
  /** Offset of the opening fence line. */
  start: number;
  /** Offset just past the closing fence line (text length when it is never closed). */
  end: number;
  /** The opening line verbatim (indent, marker, info string), reopened in the next chunk. */
  openLine: string;
  /** The line that closes it: the opening indent and marker. */
  closeLine: string;
}

// Up to any indentation: models indent fences inside list items, and treating those as
// plain text would let a split land inside them.
const OPEN_FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const CLOSE_FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

/** Fenced blocks that start at or before `until` (later ones cannot matter for this split). */
function scanFences(text: string, until: number): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { start: number; marker: string; openLine: string; indent: string } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    if (!open && lineStart > until) break;
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (open) {
      const close = CLOSE_FENCE.exec(line);
      const marker = close?.[1];
      if (marker && marker[0] === open.marker[0] && marker.length >= open.marker.length) {
        blocks.push({
          start: open.start,
          end: lineEnd,
          openLine: open.openLine,
          closeLine: open.indent + open.marker,
        });
        open = undefined;
      }
    } else {
      const match = OPEN_FENCE.exec(line);
      const indent = match?.[1] ?? '';
      const marker = match?.[2];
      // A backtick fence's info string cannot hold backticks (```a``` is inline code).
      if (marker && !(marker[0] === '`' && (match?.[3] ?? '').includes('`'))) {
        open = { start: lineStart, marker, openLine: line, indent };
      }
    }
    if (newline === -1) break;
    lineStart = newline + 1;
    // An unclosed block past the window is all we need to know about it.
    if (open && lineStart > until + 1) break;
  }
  if (open) {
    blocks.push({
      start: open.start,
      end: text.length,
      openLine: open.openLine,
      closeLine: open.indent + open.marker,
    });
  }
  return blocks;
}

/** A place to cut: the chunk is `rest.slice(0, end)`, the next one starts at `next`. */
interface Cut {
  end: number;
  next: number;
}

// Boundary kinds in order of preference; `cutAt` turns a match into a Cut.
const BOUNDARIES: { pattern: RegExp; newline: boolean }[] = [
  { pattern: /\r?\n(?:[ \t]*\r?\n)+/g, newline: true }, // paragraph
  { pattern: /\r?\n/g, newline: true }, // line
  { pattern: /[.!?…。！？]["'’”)\]]*[ \t]+/g, newline: false }, // sentence
  { pattern: /[ \t]+/g, newline: false }, // word
];

/** Past a line break, skip blank lines but keep the next line's indentation (lists, code). */
function skipBlankLines(text: string, from: number): number {
  const blank = /[ \t]*\r?\n/y;
  let position = from;
  for (;;) {
    blank.lastIndex = position;
    if (!blank.test(text)) return position;
    position = blank.lastIndex;
  }
}

/** The best boundary cut within `limit`, outside code blocks; undefined when there is none. */
function boundaryCut(rest: string, limit: number, blocks: FencedBlock[]): Cut | undefined {
  const window = rest.slice(0, limit + 1);
  const insideCode = (offset: number) =>
    blocks.some((block) => block.start < offset && offset < block.end);
  const lastOf = (boundary: (typeof BOUNDARIES)[number]): Cut | undefined => {
    let found: Cut | undefined;
    for (const match of window.matchAll(boundary.pattern)) {
      const whitespace = boundary.newline ? 0 : match[0].search(/[ \t]/);
      const end = match.index + whitespace;
      if (end === 0 || end > limit || insideCode(end)) continue;
      if (rest.slice(0, end).trim() === '') continue;
      const next = boundary.newline
        ? skipBlankLines(rest, end)
        : end + (/^[ \t]+/.exec(rest.slice(end))?.[0].length ?? 0);
      found = { end, next };
    }
    return found;
  };
  const candidates = BOUNDARIES.map(lastOf);
  // A better kind of boundary wins unless it would leave a chunk under half the limit while
  // a lesser one fills more of it: fewer, fuller messages read better than many stubs.
  return (
    candidates.find((cut) => cut !== undefined && cut.end >= limit / 2) ??
    candidates.find((cut) => cut !== undefined)
  );
}

/** Never leave half of a surrogate pair at the end of a chunk. */
function safeEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return end > 1 && code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** Split Markdown into chunks of at most `limit` characters, at the most natural boundaries. */
export function chunkText(markdown: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`chunk limit must be a positive integer, got ${limit}`);
  }
  const chunks: string[] = [];
  let rest = markdown.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
  while (rest.length > limit) {
    const blocks = scanFences(rest, limit);
    const cut = boundaryCut(rest, limit, blocks);
    if (cut) {
      chunks.push(rest.slice(0, cut.end).trimEnd());
      rest = rest.slice(cut.next);
      continue;
    }
    // No boundary outside code: the window starts with a code block longer than the limit.
    const block = blocks.find((each) => each.start < limit && each.end > limit);
    const contentStart = block ? block.start + block.openLine.length + 1 : 0;
    const lastContentEnd = block ? limit - 1 - block.closeLine.length : 0;
    if (block && rest.slice(0, block.start).trim() === '' && lastContentEnd > contentStart) {
      const newline = rest.lastIndexOf('\n', lastContentEnd);
      const end = newline > contentStart ? newline : safeEnd(rest, lastContentEnd);
      const next = newline > contentStart ? newline + 1 : end;
      // Each piece must carry some of the code, or reopening the fence would loop forever.
      if (end > contentStart) {
        chunks.push(`${rest.slice(block.start, end).replace(/\r$/, '')}\n${block.closeLine}`);
        rest = `${block.openLine}\n${rest.slice(next)}`;
        continue;
      }
    }
    // No whitespace at all, or a limit too small for fences: cut hard.
    const end = safeEnd(rest, limit);
    chunks.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  if (rest.trim() !== '') chunks.push(rest);
  return chunks;
}

/**
 * Chunk Markdown, then format each chunk; a chunk whose formatted text outgrows the limit
 * (HTML escapes and tags add characters) is split again, smaller, until every piece fits.
 * A piece that cannot fit formatted at all is returned as plain Markdown.
 */
export function chunkFormatted(
  markdown: string,
  limit: number,
  format: (markdown: string) => string,
): FormattedChunk[] {
  const fit = (chunk: string, previousLimit: number): FormattedChunk[] => {
    const text = format(chunk);
    if (text.length <= limit) return [{ text, formatted: true, markdown: chunk }];
    // Shrink in proportion to the growth, and a little more so it converges quickly.
    const smaller = Math.min(
      previousLimit - 1,
      Math.floor(((chunk.length * limit) / text.length) * 0.95),
    );
    if (smaller < 1 || chunk.length <= 1) {
      return [{ text: chunk, formatted: false, markdown: chunk }];
    }
    return chunkText(chunk, smaller).flatMap((piece) => fit(piece, smaller));
  };
  return chunkText(markdown, limit).flatMap((chunk) => fit(chunk, limit));
}
