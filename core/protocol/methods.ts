/**
 * Params and results of the gateway's RPC methods. Field names follow OpenClaw's
 * schema. Params objects strip unknown keys instead of rejecting them, so clients
 * written for a newer OpenClaw (which add optional fields) still connect; wrong types
 * and missing required fields are rejected with the zod issues in `details`.
 */
import { z } from 'zod';
import { hostIdSchema } from '../config/schema.js';

const nonEmpty = z.string().min(1);
const empty = z.object({});

/** Session keys as clients send them (`main`, or a full `agent:<id>:<rest>`). */
export const sessionKeyParam = nonEmpty.max(512);

/** An attachment as OpenClaw clients send it: base64 `content`, optionally a data URL. */
export const attachmentSchema = z.object({
  type: z.string().optional(),
  mimeType: z.string().optional(),
  fileName: z.string().optional(),
  content: nonEmpty,
});
/** An attachment of `chat.send` / `agent`. */
export type AttachmentParam = z.infer<typeof attachmentSchema>;

/** `health`: the gateway, worker and Temporal health report. */
export const healthParams = z.object({ probe: z.boolean().optional() });
/** `status`: a summary of the gateway. */
export const statusParams = empty;
/** `models.list`: the configured models. */
export const modelsListParams = empty;
/** `config.get`: the config file and the effective config, secrets redacted. */
export const configGetParams = empty;
/** `config.patch`: a JSON merge patch (as JSON5 text in `raw`), validated and written atomically. */
export const configPatchParams = z.object({
  raw: nonEmpty,
  baseHash: nonEmpty.optional(),
  sessionKey: z.string().optional(),
  note: z.string().optional(),
  restartDelayMs: z.number().int().min(0).optional(),
});

/** `chat.send`: queue a user message on a session; answers at once. */
export const chatSendParams = z.object({
  sessionKey: sessionKeyParam,
  message: z.string(),
  thinking: z.string().optional(),
  deliver: z.boolean().optional(),
  attachments: z.array(attachmentSchema).max(16).optional(),
  timeoutMs: z.number().int().min(0).optional(),
  idempotencyKey: nonEmpty.max(256),
});
/** `chat.history`: the last messages of a session. */
export const chatHistoryParams = z.object({
  sessionKey: sessionKeyParam,
  limit: z.number().int().min(1).max(1000).optional(),
  maxChars: z.number().int().min(1).max(500_000).optional(),
});
/** `chat.abort`: cancel a session's run (the current one when `runId` is omitted). */
export const chatAbortParams = z.object({
  sessionKey: sessionKeyParam,
  runId: nonEmpty.optional(),
});

/** `sessions.list`: session index records, newest first. */
export const sessionsListParams = z.object({
  limit: z.number().int().min(1).optional(),
  activeMinutes: z.number().int().min(1).optional(),
  includeGlobal: z.boolean().optional(),
  includeUnknown: z.boolean().optional(),
  label: z.string().optional(),
  agentId: nonEmpty.optional(),
  search: z.string().optional(),
});
/** `sessions.reset`: give a session key a fresh session id. */
export const sessionsResetParams = z.object({
  key: sessionKeyParam,
  reason: z.enum(['new', 'reset']).optional(),
});
/**
 * `sessions.patch`: OpenClaw's `label` (null clears it), and ClawdBot's `host`: move a
 * cluster session's file and shell tools to another worker host (its workspace files do
 * not move).
 */
export const sessionsPatchParams = z.object({
  key: sessionKeyParam,
  label: z.string().min(1).max(512).nullable().optional(),
  host: hostIdSchema.optional(),
});
/** `sessions.delete`: forget a session key (its transcript is archived). */
export const sessionsDeleteParams = z.object({
  key: sessionKeyParam,
  deleteTranscript: z.boolean().optional(),
});

/** `agent`: run a turn and answer twice (accepted, then the outcome). */
export const agentParams = z.object({
  message: nonEmpty,
  agentId: nonEmpty.optional(),
  sessionKey: z.string().optional(),
  sessionId: z.string().optional(),
  thinking: z.string().optional(),
  deliver: z.boolean().optional(),
  attachments: z.array(attachmentSchema).max(16).optional(),
  channel: z.string().optional(),
  to: z.string().optional(),
  /** Seconds to wait for the outcome before answering AGENT_TIMEOUT. */
  timeout: z.number().int().min(0).optional(),
  extraSystemPrompt: z.string().optional(),
  label: z.string().optional(),
  idempotencyKey: nonEmpty.max(256),
});
/** `agent.wait`: wait for a run to finish. */
export const agentWaitParams = z.object({
  runId: nonEmpty,
  timeoutMs: z.number().int().min(0).optional(),
});
/** `send`: deliver a message to a channel target, outside any agent run. */
export const sendParams = z.object({
  to: nonEmpty,
  message: z.string().optional(),
  mediaUrl: z.string().optional(),
  mediaUrls: z.array(z.string()).optional(),
  channel: z.string().optional(),
  accountId: z.string().optional(),
  sessionKey: z.string().optional(),
  idempotencyKey: nonEmpty.max(256),
});

// Results are loose: they document the fields clients rely on and let tests check them.
const loose = z.looseObject;

/** Result of `chat.send`. */
export const chatSendResult = loose({ runId: nonEmpty, status: z.literal('started') });
/** Result of `chat.history`. */
export const chatHistoryResult = loose({
  sessionKey: nonEmpty,
  sessionId: z.string().optional(),
  messages: z.array(z.unknown()),
  thinkingLevel: z.string().optional(),
});
/** Result of `chat.abort`. */
export const chatAbortResult = loose({
  ok: z.literal(true),
  aborted: z.boolean(),
  runIds: z.array(z.string()),
});
/** First answer of `agent`. */
export const agentAcceptedResult = loose({
  runId: nonEmpty,
  status: z.literal('accepted'),
  acceptedAt: z.number(),
});
/** Second answer of `agent`. */
export const agentFinalResult = loose({
  runId: nonEmpty,
  status: z.enum(['ok', 'error', 'timeout']),
  summary: z.string(),
  result: loose({ payloads: z.array(loose({ text: z.string() })) }).optional(),
});
/** Result of `agent.wait`. */
export const agentWaitResult = loose({
  runId: nonEmpty,
  status: z.enum(['ok', 'error', 'aborted', 'timeout']),
  error: z.string().optional(),
});
/** Result of `send`. */
export const sendResult = loose({ runId: nonEmpty, messageId: nonEmpty, channel: nonEmpty });
/** One row of `sessions.list`. */
export const sessionRowSchema = loose({
  key: nonEmpty,
  kind: z.enum(['direct', 'group', 'global', 'unknown']),
  sessionId: nonEmpty,
  updatedAt: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
});
/** Result of `sessions.list`. */
export const sessionsListResult = loose({
  ts: z.number(),
  count: z.number().int(),
  sessions: z.array(sessionRowSchema),
});
/** Result of `sessions.reset`. */
export const sessionsResetResult = loose({
  ok: z.literal(true),
  key: nonEmpty,
  entry: loose({ sessionId: nonEmpty }),
});
/** Result of `sessions.patch`. */
export const sessionsPatchResult = loose({
  ok: z.literal(true),
  key: nonEmpty,
  entry: loose({ sessionId: nonEmpty }),
});
/** Result of `sessions.delete`. */
export const sessionsDeleteResult = loose({
  ok: z.literal(true),
  key: nonEmpty,
  deleted: z.boolean(),
});
/** Result of `health` (a HealthReport). */
export const healthResult = loose({ ok: z.boolean(), ts: z.number() });
/** Result of `status`. */
export const statusResult = loose({
  ts: z.number(),
  version: nonEmpty,
  uptimeMs: z.number(),
  connections: z.number().int(),
});
/** Result of `models.list`. */
export const modelsListResult = loose({
  models: z.array(loose({ id: nonEmpty, name: nonEmpty, provider: nonEmpty })),
});
/** Result of `config.get`. */
export const configGetResult = loose({
  path: nonEmpty,
  exists: z.boolean(),
  hash: z.string(),
  valid: z.boolean(),
  parsed: z.record(z.string(), z.unknown()),
  config: z.record(z.string(), z.unknown()),
});
/** Result of `config.patch`. */
export const configPatchResult = loose({
  ok: z.literal(true),
  path: nonEmpty,
  hash: z.string(),
  config: z.record(z.string(), z.unknown()),
});
