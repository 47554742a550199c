import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Longest line shown; progress bars redrawn with \r make single lines of megabytes. */
const MAX_LINE_CHARS = 2000;
/** Most text one log call returns. */
const MAX_TOTAL_CHARS = 64 * 1024;

/** A window of a log's lines: `first` is the 1-based number of lines[0]; `total` counts all. */
export interface LogWindow {
  lines: string[];
  first: number;
  total: number;
}

function clip(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  return `${line.slice(0, MAX_LINE_CHARS)} [... ${line.length - MAX_LINE_CHARS} more characters]`;
}

/**
 * Lines `offset` .. `offset + limit - 1` of a log file, or its last `limit` lines when no
 * offset is given. Reads the file once, as a stream, so a large log costs time, not memory.
 */
export async function readLogLines(
  file: string,
  offset: number | undefined,
  limit: number,
): Promise<LogWindow> {
  const lines: string[] = [];
  let total = 0;
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of reader) {
    total += 1;
    if (offset === undefined) {
      lines.push(clip(line));
      if (lines.length >= 2 * limit) lines.splice(0, lines.length - limit); // amortised O(1)
    } else if (total >= offset && total < offset + limit) {
      lines.push(clip(line));
    }
  }
  if (offset === undefined) lines.splice(0, Math.max(0, lines.length - limit));
  const first = offset ?? Math.max(1, total - lines.length + 1);
  // Keep within the size cap, dropping lines from the far end of the window.
  let chars = 0;
  const kept = offset === undefined ? [...lines].reverse() : lines;
  const count = kept.findIndex((line) => (chars += line.length + 1) > MAX_TOTAL_CHARS);
  if (count === -1) return { lines, first, total };
  return offset === undefined
    ? { lines: lines.slice(lines.length - count), first: first + lines.length - count, total }
    : { lines: lines.slice(0, count), first, total };
}
