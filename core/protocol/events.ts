/**
 * Payloads of the run events the gateway streams (`agent`, `chat`), shaped like
 * OpenClaw's so its clients render our runs unchanged. `seq` inside a payload counts
 * per run; the event frame's own `seq` counts per gateway.
 */
import { z } from 'zod';

const nonEmpty = z.string().min(1);

/** Every event name the gateway may send. */
export const GATEWAY_EVENTS = [
  'connect.challenge',
  'agent',
  'chat',
  'presence',
  'tick',
  'health',
  'shutdown',
  'exec.approval.requested',
  'node.pair.requested',
  'node.pair.resolved',
  'node.invoke.request',
  'exec.approval.resolved',
  'canvas.command',
] as const;
/** An event name the gateway may send. */
export type GatewayEventName = (typeof GATEWAY_EVENTS)[number];

/** The streams of an `agent` event. */
export const agentStreamSchema = z.enum(['lifecycle', 'assistant', 'tool']);

/** `agent` event payload: one step of a run's progress. */
export const agentEventSchema = z.object({
  runId: nonEmpty,
  stream: agentStreamSchema,
  data: z.record(z.string(), z.unknown()),
  sessionKey: nonEmpty,
  seq: z.number().int().min(0),
  ts: z.number().int().min(0),
});
/** `agent` event payload. */
export type AgentEventPayload = z.infer<typeof agentEventSchema>;

/** A message as carried by `chat` events: text blocks only, no usage or model fields. */
export const chatEventMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.array(z.object({ type: z.literal('text'), text: z.string() })),
  timestamp: z.number().int().min(0),
});
/** A message as carried by `chat` events. */
export type ChatEventMessage = z.infer<typeof chatEventMessageSchema>;

/** `chat` event payload: the WebChat view of a run (delta, final, aborted, error). */
export const chatEventSchema = z.object({
  runId: nonEmpty,
  sessionKey: nonEmpty,
  seq: z.number().int().min(0),
  state: z.enum(['delta', 'final', 'aborted', 'error']),
  message: chatEventMessageSchema.optional(),
  errorMessage: z.string().optional(),
});
/** `chat` event payload. */
export type ChatEventPayload = z.infer<typeof chatEventSchema>;

/** `exec.approval.requested` payload: a tool call waits for a person's decision (OpenClaw's name). */
export const approvalRequestedSchema = z.object({
  id: nonEmpty,
  request: z.object({
    toolName: nonEmpty,
    toolCallId: nonEmpty,
    args: z.record(z.string(), z.unknown()),
    sessionKey: nonEmpty,
    runId: nonEmpty,
  }),
  createdAtMs: z.number().int().min(0),
  expiresAtMs: z.number().int().min(0),
});
/** `exec.approval.requested` payload. */
export type ApprovalRequestedPayload = z.infer<typeof approvalRequestedSchema>;

/** `exec.approval.resolved` payload: the decision (a timeout is a deny). */
export const approvalResolvedSchema = z.object({
  id: nonEmpty,
  decision: z.enum(['approve', 'deny']),
  reason: z.string().optional(),
  ts: z.number().int().min(0),
});
/** `exec.approval.resolved` payload. */
export type ApprovalResolvedPayload = z.infer<typeof approvalResolvedSchema>;
