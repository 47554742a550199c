import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { defineMethod } from './types.js';

/** `canvas.result` (canvas viewers only): the answer to a `canvas.command` event. */
export const canvasResultMethod = defineMethod({
  method: 'canvas.result',
  params: z.object({
    id: z.string().min(1).max(200),
    ok: z.boolean(),
    value: z.unknown().optional(),
    error: z.string().max(20_000).optional(),
  }),
  result: z.object({ ok: z.literal(true), ignored: z.boolean().optional() }),
  handler(params, context) {
    const canvas = context.gateway.deps.canvas;
    if (!canvas?.isViewer(context.connId))
      throw new ClawdbotError(
        'INVALID_REQUEST',
        'Only a canvas viewer (caps: ["canvas"]) answers.',
      );
    const matched = canvas.resolve(params.id, {
      ok: params.ok,
      ...(params.value !== undefined ? { value: params.value } : {}),
      ...(params.error !== undefined ? { error: params.error } : {}),
    });
    // A second viewer's answer, or one after the timeout, is expected and harmless.
    return matched ? { ok: true as const } : { ok: true as const, ignored: true };
  },
});
