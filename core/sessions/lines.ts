/**
 * Line readers over an open file that hold one chunk (plus the line being assembled) in
 * memory, so a transcript of any size can be read from either end.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes read per call; large enough that a typical history needs one or two reads. */
export const LINE_CHUNK_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/** One line of a file, without its newline, and the byte offset where it starts. */
export interface FileLine {
  text: string;
  start: number;
}

// Splitting at byte 0x0A is safe in UTF-8: it never occurs inside a multi-byte character.
function decode(first: Buffer, rest: Buffer[]): string {
  return rest.length === 0
    ? first.toString('utf8')
    : Buffer.concat([first, ...rest]).toString('utf8');
}

/** The non-empty lines of `file[0, end)`, last first. */
export async function* readLinesBackward(
  file: FileHandle,
  end: number,
  chunkBytes: number = LINE_CHUNK_BYTES,
): AsyncGenerator<FileLine> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let pending: Buffer[] = []; // tail pieces of the line being assembled, in file order
  let position = end;
  while (position > 0) {
    const length = Math.min(chunkBytes, position);
    position -= length;
    const { bytesRead } = await file.read(buffer, 0, length, position);
    if (bytesRead !== length) throw new Error(`short read at ${position} (file truncated?)`);
    let lineEnd = length;
    let newline = buffer.lastIndexOf(NEWLINE, length - 1);
    while (newline !== -1) {
      const text = decode(buffer.subarray(newline + 1, lineEnd), pending);
      pending = [];
      lineEnd = newline;
      if (text !== '') yield { text, start: position + newline + 1 };
      // lastIndexOf with a negative offset counts from the end, so stop at 0 explicitly.
      newline = newline === 0 ? -1 : buffer.lastIndexOf(NEWLINE, newline - 1);
    }
    // Copy: `buffer` is reused by the next read.
    if (lineEnd > 0) pending.unshift(Buffer.from(buffer.subarray(0, lineEnd)));
  }
  const text = decode(Buffer.alloc(0), pending);
  if (text !== '') yield { text, start: 0 };
}

/** The non-empty lines of `file`, first first (an unterminated last line included). */
export async function* readLinesForward(
  file: FileHandle,
  chunkBytes: number = LINE_CHUNK_BYTES,
): AsyncGenerator<FileLine> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let pending: Buffer[] = []; // head pieces of the line being assembled
  let pendingStart = 0;
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, chunkBytes, position);
    if (bytesRead === 0) break;
    let lineStart = 0;
    let newline = buffer.indexOf(NEWLINE, 0);
    while (newline !== -1 && newline < bytesRead) {
      const head = pending.length === 0 ? position + lineStart : pendingStart;
      const text = Buffer.concat([...pending, buffer.subarray(lineStart, newline)]).toString(
        'utf8',
      );
      pending = [];
      if (text !== '') yield { text, start: head };
      lineStart = newline + 1;
      newline = buffer.indexOf(NEWLINE, lineStart);
    }
    if (lineStart < bytesRead) {
      if (pending.length === 0) pendingStart = position + lineStart;
      pending.push(Buffer.from(buffer.subarray(lineStart, bytesRead)));
    }
    position += bytesRead;
  }
  const text = Buffer.concat(pending).toString('utf8');
  if (text !== '') yield { text, start: pendingStart };
}
