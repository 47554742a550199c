/**
 * Gateway methods `voicecall.*`: the same calls for clients of the gateway (the CLI, the
 * Control UI, scripts) as the tool offers the model.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { defineMethod, type GatewayMethod } from '../../gateway/methods/types.js';
import type { VoiceCalls } from './calls.js';
import { VoiceCallError } from './errors.js';

const callId = z.string().min(1).max(100);
const message = z.string().min(1).max(2000);
const state = z.object({
  callId: z.string(),
  to: z.string(),
  from: z.string(),
  status: z.string(),
  providerCallId: z.string().optional(),
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
  durationSec: z.number().optional(),
  transcript: z.array(z.object({ speaker: z.string(), text: z.string(), at: z.number() })),
  error: z.string().optional(),
});

/** VoiceCallError → the gateway's error shape. */
async function gatewayErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof VoiceCallError)) throw error;
    const code =
      error.code === 'CALL_NOT_FOUND'
        ? 'NOT_FOUND'
        : error.code === 'PROVIDER_FAILED'
          ? 'UNAVAILABLE'
          : 'INVALID_REQUEST';
    throw new ClawdbotError(code, error.message, { reason: error.code });
  }
}

/** The methods, bound to this process's calls service. */
export function voiceCallMethods(calls: () => VoiceCalls): GatewayMethod[] {
  return [
    defineMethod({
      method: 'voicecall.initiate',
      params: z.object({
        to: z.string().optional(),
        message,
        mode: z.enum(['conversation', 'notify']).default('conversation'),
        /** A retried request with the same key finds the call instead of placing another. */
        idempotencyKey: z.string().min(1).max(100).optional(),
      }),
      result: state,
      handler: (params) =>
        gatewayErrors(() =>
          calls().initiate({
            callId: params.idempotencyKey ?? randomUUID(),
            ...(params.to !== undefined ? { to: params.to } : {}),
            message: params.message,
            mode: params.mode,
          }),
        ),
    }),
    defineMethod({
      method: 'voicecall.continue',
      params: z.object({ callId, message }),
      result: z.object({ said: z.array(z.string()), status: z.string(), timedOut: z.boolean() }),
      handler: (params) => gatewayErrors(() => calls().converse(params.callId, params.message)),
    }),
    defineMethod({
      method: 'voicecall.speak',
      params: z.object({ callId, message }),
      result: state,
      handler: (params) => gatewayErrors(() => calls().speak(params.callId, params.message)),
    }),
    defineMethod({
      method: 'voicecall.end',
      params: z.object({ callId }),
      result: state,
      handler: (params) => gatewayErrors(() => calls().end(params.callId)),
    }),
    defineMethod({
      method: 'voicecall.status',
      params: z.object({ callId }),
      result: state,
      handler: (params) => gatewayErrors(() => calls().status(params.callId)),
    }),
    defineMethod({
      method: 'voicecall.list',
      params: z
        .object({ limit: z.number().int().min(1).max(100).default(20) })
        .default({ limit: 20 }),
      result: z.object({ calls: z.array(state) }),
      handler: async (params) => ({ calls: await gatewayErrors(() => calls().list(params.limit)) }),
    }),
  ] as GatewayMethod[];
}
