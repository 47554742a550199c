/**
 * Old tool results are most of a long session's bulk: a file read or a web page the model
 * looked at twenty turns ago. Before history is fitted (and long before anything is
 * summarised) they are cut to their head and tail, with a note of what was cut. Only the
 * copy sent to the model changes; the transcript keeps the full text.
 */
import { messageText, type Message, type ToolResultMessage } from '../messages.js';

/** How pruning treats tool results. */
export interface PruneOptions {
  /** Tool results in this many most recent user turns stay whole (unless over `hardChars`). */
  keepRecentTurns: number;
  /** Older results longer than this are cut. */
  softChars: number;
  /** Any result longer than this is cut, however recent: one result must not fill the window. */
  hardChars: number;
}

/** Defaults: the last two turns whole, older results above ~1k tokens cut. */
export const defaultPruneOptions: PruneOptions = {
  keepRecentTurns: 2,
  softChars: 4_000,
  hardChars: 400_000,
};

/** Shorten a text to its head and tail, saying how much was cut and where the rest is. */
export function headAndTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - 200);
  const head = Math.ceil(keep * 0.6);
  const tail = keep - head;
  const cut = text.length - head - tail;
  return (
    `${text.slice(0, head)}\n\n[… ${cut} characters of this tool result were cut here to save ` +
    `context (its head and tail are kept); the full output is in the session transcript …]\n\n` +
    `${tail > 0 ? text.slice(-tail) : ''}`
  );
}

function shortened(
  message: ToolResultMessage,
  maxChars: number,
  keepImages: boolean,
): ToolResultMessage {
  const text = messageText(message);
  const images = message.images ?? [];
  if (text.length <= maxChars && (keepImages || images.length === 0)) return message;
  const kept = text.length <= maxChars ? text : headAndTail(text, maxChars);
  // An image costs as much as a long page: only the recent turns' screenshots are worth it.
  const dropped =
    !keepImages && images.length > 0
      ? `\n\n[${images.length} image(s) of this tool result were left out to save context.]`
      : '';
  const { images: _images, ...rest } = message;
  return {
    ...rest,
    content: [{ type: 'text', text: kept + dropped }],
    ...(keepImages && images.length > 0 ? { images } : {}),
  };
}

/**
 * The messages with old (and oversized) tool results cut; others are returned as they
 * are (the same objects), so an unchanged history serialises to the same bytes.
 */
export function pruneToolResults(messages: readonly Message[], options: PruneOptions): Message[] {
  let turnsFromEnd = 0;
  const pruned = new Array<Message>(messages.length);
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'toolResult') {
      const recent = turnsFromEnd < options.keepRecentTurns;
      const limit = recent ? options.hardChars : options.softChars;
      pruned[index] = shortened(message, Math.min(limit, options.hardChars), recent);
    } else {
      pruned[index] = message;
    }
    if (message.role === 'user') turnsFromEnd++;
  }
  return pruned;
}
