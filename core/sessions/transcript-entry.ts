/**
 * The lines of `sessions/<sessionId>/transcript.jsonl`: one header, then messages and
 * abort/error markers. Every entry has an id chosen by the writer from the run and step,
 * so re-appending it after a retried activity is recognised as a duplicate.
 */
import { z } from 'zod';
import type { Message } from '../messages.js';

/** Format version written in the header. */
export const TRANSCRIPT_VERSION = 1;

/** First line of a transcript. Its id is the session id. */
export interface SessionHeaderEntry {
  type: 'session';
  id: string;
  ts: number;
  sessionId: string;
  sessionKey: string;
  version: typeof TRANSCRIPT_VERSION;
}

/** A conversation message (user, assistant or tool result) written by a run. */
export interface MessageEntry {
  type: 'message';
  id: string;
  ts: number;
  runId: string;
  message: Message;
}

/** A run was aborted (by the user, a timeout or a shutdown). */
export interface AbortEntry {
  type: 'abort';
  id: string;
  ts: number;
  runId: string;
  reason: string;
}

/** A run failed; `message` is the error text shown to the user. */
export interface ErrorEntry {
  type: 'error';
  id: string;
  ts: number;
  runId: string;
  message: string;
}

/**
 * One piece of a reply (chunk or media, `index` in send order) that a channel delivered,
 * or that the platform refused (`status: 'failed'`, with the platform's own message).
 * Written by channel.deliver right after the send, so a retried delivery skips what is
 * recorded; not part of the conversation (the model and chat.history never see it).
 */
export interface DeliveryEntry {
  type: 'delivery';
  id: string;
  ts: number;
  runId: string;
  channel: string;
  accountId: string;
  chatId: string;
  index: number;
  status: 'sent' | 'failed';
  platformMessageId?: string;
  error?: string;
}

/**
 * The conversation before `firstKeptEntryId` no longer fits the model's context: later
 * turns send `summary` in its place (mode `summary`), or only a note that it was dropped
 * (mode `truncation`, when summarising failed). The messages themselves stay above it.
 */
export interface CompactionEntry {
  type: 'compaction';
  id: string;
  ts: number;
  runId: string;
  mode: 'summary' | 'truncation';
  summary: string;
  /** The oldest message entry sent verbatim after the summary; none when everything was summarised. */
  firstKeptEntryId?: string;
  /** How many messages the summary replaces, and their estimated tokens. */
  messagesCompacted: number;
  tokensBefore: number;
}

/** Any transcript line. */
export type TranscriptEntry =
  SessionHeaderEntry | MessageEntry | AbortEntry | ErrorEntry | DeliveryEntry | CompactionEntry;

type WithOptionalTs<T> = T extends { ts: number } ? Omit<T, 'ts'> & { ts?: number } : never;

/** What a caller appends: any entry but the header (written by the store); `ts` defaults to now. */
export type NewTranscriptEntry = WithOptionalTs<
  MessageEntry | AbortEntry | ErrorEntry | DeliveryEntry | CompactionEntry
>;

// Loose objects keep fields we do not know (OpenClaw imports carry usage.cost and the
// like): readers hand them on instead of silently dropping them.
const base = { id: z.string().min(1), ts: z.number() };
const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'toolResult']),
  content: z.array(z.looseObject({ type: z.string() })),
});
const entrySchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('session'),
    ...base,
    sessionId: z.string(),
    sessionKey: z.string(),
    version: z.number(),
  }),
  z.looseObject({ type: z.literal('message'), ...base, runId: z.string(), message: messageSchema }),
  z.looseObject({ type: z.literal('abort'), ...base, runId: z.string(), reason: z.string() }),
  z.looseObject({ type: z.literal('error'), ...base, runId: z.string(), message: z.string() }),
  z.looseObject({
    type: z.literal('delivery'),
    ...base,
    runId: z.string(),
    channel: z.string(),
    accountId: z.string(),
    chatId: z.string(),
    index: z.number().int().min(0),
    status: z.enum(['sent', 'failed']),
  }),
  z.looseObject({
    type: z.literal('compaction'),
    ...base,
    runId: z.string(),
    mode: z.enum(['summary', 'truncation']),
    summary: z.string(),
    firstKeptEntryId: z.string().optional(),
    messagesCompacted: z.number().int().min(0),
    tokensBefore: z.number().min(0),
  }),
]);

/** Parse one line; undefined for a torn, foreign or unknown-typed line (readers skip those). */
export function parseTranscriptLine(line: string): TranscriptEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const result = entrySchema.safeParse(value);
  // The schema checks the envelope and the message's role/content; the block shapes are
  // ours (written from the Message type), so the cast does not widen what we trust.
  return result.success ? (result.data as TranscriptEntry) : undefined;
}

/**
 * The id of a complete JSON line, without schema checks. Cheaper than parseTranscriptLine
 * for the dedup tail scan; a torn line fails JSON.parse, so its id never counts as written.
 */
export function transcriptLineId(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Serialise an entry as one line (with its newline), `type` and `id` first for people reading it. */
export function formatTranscriptLine(entry: TranscriptEntry): string {
  const { type, id, ...rest } = entry;
  return `${JSON.stringify({ type, id, ...rest })}\n`;
}

/** Deterministic entry ids for the pieces of a run: a retry produces the same ids. */
export const transcriptEntryId = {
  /** The user message that started run `runId`. */
  user: (runId: string): string => `${runId}:user`,
  /** The assistant message of step `step`. */
  assistant: (runId: string, step: number): string => `${runId}:step-${step}:assistant`,
  /** The result of tool call `toolCallId` in step `step`. */
  toolResult: (runId: string, step: number, toolCallId: string): string =>
    `${runId}:step-${step}:tool-${toolCallId}`,
  /** The abort marker of the run. */
  abort: (runId: string): string => `${runId}:abort`,
  /** The error marker of the run. */
  error: (runId: string): string => `${runId}:error`,
  /** The compaction written before step `step` of the run. */
  compaction: (runId: string, step: number): string => `${runId}:step-${step}:compaction`,
  /** Piece `index` of the run's reply, delivered to a channel. */
  delivery: (runId: string, index: number): string => `delivery:${runId}:${index}`,
};
