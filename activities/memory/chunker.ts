import { createHash } from 'node:crypto';

/** How Markdown is cut into chunks. */
export interface ChunkingOptions {
  /** Target chunk size in tokens. */
  tokens: number;
  /** Tokens a chunk repeats from the end of the previous chunk of the same section. */
  overlap: number;
}

/** One piece of a Markdown file, as it is embedded and searched. */
export interface MarkdownChunk {
  /** First line, 1-based. */
  startLine: number;
  /** Last line, inclusive. */
  endLine: number;
  /** The headings above the chunk, outermost first. */
  headings: string[];
  text: string;
  /** sha256 of the text: an unchanged chunk keeps its hash and is not embedded again. */
  hash: string;
}

// Embedding models count word pieces; 4 characters a token is close for English prose
// and errs towards smaller chunks for code and other scripts, which is the safe side.
const charsPerToken = 4;

/** Roughly how many tokens a text costs. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / charsPerToken);
}

/** sha256 hex of a chunk's text. */
export function chunkHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface Line {
  number: number;
  text: string;
}

interface Section {
  headings: string[];
  lines: Line[];
}

const headingPattern = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const fencePattern = /^\s*(```|~~~)/;

/** Split at headings (never inside a fenced code block), tracking the heading trail. */
function sections(lines: string[]): Section[] {
  const result: Section[] = [];
  const trail: { level: number; title: string }[] = [];
  let current: Section = { headings: [], lines: [] };
  let inFence = false;
  lines.forEach((text, index) => {
    if (fencePattern.test(text)) inFence = !inFence;
    const heading = inFence ? null : headingPattern.exec(text);
    if (heading) {
      // A heading with nothing under it but a deeper heading joins that section: a chunk
      // of only "# Memory" would be found by nothing and crowd out real results.
      const onlyHeadings = current.lines.every(
        (line) => line.text.trim() === '' || headingPattern.test(line.text),
      );
      const carried = onlyHeadings ? current.lines : [];
      if (!onlyHeadings) result.push(current);
      const level = heading[1]!.length;
      while (trail.length > 0 && trail[trail.length - 1]!.level >= level) trail.pop();
      trail.push({ level, title: heading[2]! });
      current = { headings: trail.map((entry) => entry.title), lines: carried };
    }
    current.lines.push({ number: index + 1, text });
  });
  if (current.lines.length > 0) result.push(current);
  return result;
}

/** Paragraphs of a section (runs of non-blank lines; code fences kept whole when they fit). */
function paragraphs(lines: Line[]): Line[][] {
  const result: Line[][] = [];
  let current: Line[] = [];
  let inFence = false;
  for (const line of lines) {
    if (fencePattern.test(line.text)) inFence = !inFence;
    if (!inFence && line.text.trim() === '') {
      if (current.length > 0) result.push(current);
      current = [];
      continue;
    }
    current.push(line);
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** A paragraph too large for one chunk becomes one unit a line, a huge line several. */
function splitOversized(unit: Line[], maxChars: number): Line[][] {
  return unit.flatMap((line) => {
    if (line.text.length <= maxChars) return [[line]];
    const pieces: Line[][] = [];
    for (let at = 0; at < line.text.length; at += maxChars) {
      pieces.push([{ number: line.number, text: line.text.slice(at, at + maxChars) }]);
    }
    return pieces;
  });
}

function size(lines: Line[]): number {
  return lines.reduce((total, line) => total + line.text.length + 1, 0);
}

function toChunk(lines: Line[], headings: string[]): MarkdownChunk {
  // Paragraphs keep their blank line between them, so the model reads them as written.
  const text = lines
    .map((line, index) =>
      index > 0 && line.number > lines[index - 1]!.number + 1 ? `\n${line.text}` : line.text,
    )
    .join('\n');
  return {
    startLine: lines[0]!.number,
    endLine: lines[lines.length - 1]!.number,
    headings,
    text,
    hash: chunkHash(text),
  };
}

/** The last lines of a chunk that fit in `maxChars`, repeated at the start of the next. */
function overlapTail(lines: Line[], maxChars: number): Line[] {
  const tail: Line[] = [];
  let total = 0;
  for (let index = lines.length - 1; index > 0; index--) {
    const line = lines[index]!;
    if (total + line.text.length + 1 > maxChars) break;
    tail.unshift(line);
    total += line.text.length + 1;
  }
  return tail;
}

/**
 * Cut Markdown into chunks of about `tokens` tokens. A heading always starts a new chunk;
 * inside a section, paragraphs are packed whole while they fit, and a chunk that had to
 * end mid-section repeats its last lines (up to `overlap` tokens) in the next one, so a
 * fact near a cut is whole in at least one chunk. Blank chunks are dropped.
 */
export function chunkMarkdown(text: string, options: ChunkingOptions): MarkdownChunk[] {
  const maxChars = Math.max(1, options.tokens * charsPerToken);
  const overlapChars = Math.min(options.overlap * charsPerToken, Math.floor(maxChars / 2));
  const chunks: MarkdownChunk[] = [];
  for (const section of sections(text.split(/\r?\n/))) {
    const units = paragraphs(section.lines).flatMap((unit) =>
      size(unit) > maxChars ? splitOversized(unit, maxChars) : [unit],
    );
    let current: Line[] = [];
    let fresh = false; // whether `current` holds more than the overlap carried over
    for (const unit of units) {
      if (fresh && size(current) + size(unit) > maxChars) {
        chunks.push(toChunk(current, section.headings));
        current = overlapTail(current, Math.min(overlapChars, maxChars - size(unit)));
      }
      current.push(...unit);
      fresh = true;
    }
    if (fresh) chunks.push(toChunk(current, section.headings));
  }
  return chunks.filter((chunk) => chunk.text.trim() !== '');
}
