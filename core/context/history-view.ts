/**
 * What of a transcript the model still sees: the latest compaction's summary and the
 * messages from its first kept entry on. Everything above stays in the file for people
 * (chat.history, the Control UI) but is no longer sent.
 */
import type { Message, UserMessage } from '../messages.js';
import type { CompactionEntry, TranscriptEntry } from '../sessions/index.js';

/** A message with the id of the transcript entry that holds it. */
export interface HistoryItem {
  entryId: string;
  message: Message;
}

/** The live part of a session's history. */
export interface HistoryView {
  /** The latest compaction, whose summary stands in for everything before `items`. */
  compaction?: CompactionEntry;
  items: HistoryItem[];
}

/** The view of some transcript entries (oldest first, as the store returns them). */
export function historyView(entries: readonly TranscriptEntry[]): HistoryView {
  const at = entries.findLastIndex((entry) => entry.type === 'compaction');
  const compaction = at < 0 ? undefined : (entries[at] as CompactionEntry);
  let from = 0;
  if (compaction) {
    const kept = compaction.firstKeptEntryId;
    const keptAt = kept === undefined ? -1 : entries.findIndex((entry) => entry.id === kept);
    from = keptAt >= 0 && keptAt < at ? keptAt : at + 1;
  }
  const items = entries
    .slice(from)
    .flatMap((entry) =>
      entry.type === 'message' ? [{ entryId: entry.id, message: entry.message }] : [],
    );
  return compaction ? { compaction, items } : { items };
}

/** The message that carries a compaction's summary to the model, ahead of the kept history. */
export function summaryMessage(compaction: CompactionEntry): UserMessage {
  const heading =
    compaction.mode === 'summary'
      ? '[Summary of the earlier conversation, written when it no longer fit the context window]'
      : '[Earlier conversation left out: it no longer fit the context window]';
  return {
    role: 'user',
    content: [{ type: 'text', text: `${heading}\n\n${compaction.summary}` }],
    timestamp: compaction.ts,
  };
}

/**
 * Where the newest turns that fit in `keepBudget` tokens begin: the earliest user message
 * from which the rest costs at most that, else the last user message (the current turn
 * is never compacted away). Items before the index are what compaction summarises.
 */
export function keepFrom(
  items: readonly HistoryItem[],
  keepBudget: number,
  cost: (message: Message) => number,
): number {
  let tokens = 0;
  let best = -1;
  let lastUser = -1;
  for (let index = items.length - 1; index >= 0; index--) {
    const message = items[index]!.message;
    tokens += cost(message);
    if (message.role !== 'user') continue;
    if (lastUser < 0) lastUser = index;
    if (tokens <= keepBudget) best = index;
  }
  if (best >= 0) return best;
  return lastUser >= 0 ? lastUser : items.length;
}
