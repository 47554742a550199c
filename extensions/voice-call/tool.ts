/**
 * `voice_call`: the model phones someone. One object per action under `request` (as the
 * nodes tool), each with only its own fields. It runs as the `tool.voice_call` activity;
 * the call itself is a workflow of its own, so it goes on after the turn that placed it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool, type ToolResult } from '../../activities/tools/tool.js';
import type { VoiceCallState } from '../../workflows/voice-call-definitions.js';
import type { VoiceCalls } from './calls.js';
import { VoiceCallError } from './errors.js';

const callId = z.string().min(1).max(100).describe('The call id initiate_call answered with');
const message = z
  .string()
  .min(1)
  .max(2000)
  .describe('What to say, as plain spoken sentences (no Markdown, no lists)');

const request = z
  .discriminatedUnion('action', [
    z
      .object({
        action: z.literal('initiate_call'),
        to: z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +15551234567')
          .optional()
          .describe('Number to call (E.164); omit to call the owner’s configured number'),
        message: message.describe('The first thing to say when the person answers'),
        mode: z
          .enum(['conversation', 'notify'])
          .default('conversation')
          .describe('conversation: listen after speaking; notify: say it and hang up'),
      })
      .describe('Phone someone and say something'),
    z
      .object({ action: z.literal('continue_call'), callId, message })
      .describe('Say something on the call and wait for the person’s answer'),
    z
      .object({ action: z.literal('speak_to_user'), callId, message })
      .describe('Say something on the call without waiting for an answer'),
    z.object({ action: z.literal('end_call'), callId }).describe('Hang up'),
    z
      .object({ action: z.literal('get_status'), callId })
      .describe('The call’s status and what was said so far'),
  ])
  .describe('What to do');

function describeCall(state: VoiceCallState): string {
  const lines = [
    `Call ${state.callId} to ${state.to}: ${state.status}` +
      (state.durationSec !== undefined ? ` (${state.durationSec} s)` : '') +
      (state.error ? ` — ${state.error}` : ''),
  ];
  for (const line of state.transcript)
    lines.push(`${line.speaker === 'assistant' ? 'You' : 'They'}: ${line.text}`);
  return lines.join('\n');
}

/** The tool, bound to this process's calls service. */
export function voiceCallTool(calls: () => VoiceCalls, replyTimeoutMs: number) {
  return defineTool({
    name: 'voice_call',
    description:
      'Phone calls: call someone and talk (your words are spoken aloud, theirs come back as ' +
      'text). initiate_call places the call and says your first message; continue_call says ' +
      'something and waits for the answer; speak_to_user says something without waiting; ' +
      'end_call hangs up; get_status shows the call and what was said. A call goes on after ' +
      'this turn: use its callId in later turns.',
    inputSchema: z.object({ request }),
    // Placing a call twice would ring twice: one attempt, its failure goes to the model.
    // continue_call waits up to replyTimeoutSec for the person.
    policy: {
      startToCloseTimeoutMs: replyTimeoutMs + 120_000,
      maximumAttempts: 1,
      idempotent: false,
    },
    async execute(input, context): Promise<ToolResult> {
      const service = calls();
      const { request: call } = input;
      try {
        switch (call.action) {
          case 'initiate_call': {
            // The same tool call (a replayed activity) names the same call workflow.
            const id = createHash('sha256')
              .update(`${context.runId}\n${context.toolCallId}`)
              .digest('hex')
              .slice(0, 24);
            const state = await service.initiate({
              callId: id,
              ...(call.to !== undefined ? { to: call.to } : {}),
              message: call.message,
              mode: call.mode,
              sessionKey: context.sessionKey,
            });
            return {
              text: `Placed call ${state.callId} to ${state.to} (${state.status}). Your message is spoken when they answer.`,
              details: { callId: state.callId, status: state.status },
            };
          }
          case 'continue_call': {
            const heard = await service.converse(call.callId, call.message);
            const said = heard.said.join(' ');
            const text = said
              ? `They said: ${said}`
              : heard.timedOut
                ? `No answer within ${Math.round(replyTimeoutMs / 1000)} s (the call is ${heard.status}).`
                : `The call ended (${heard.status}) before they answered.`;
            return { text, details: { callId: call.callId, ...heard } };
          }
          case 'speak_to_user': {
            const state = await service.speak(call.callId, call.message);
            return { text: `Said it on call ${call.callId} (${state.status}).` };
          }
          case 'end_call': {
            const state = await service.end(call.callId);
            return { text: describeCall(state), details: { status: state.status } };
          }
          case 'get_status': {
            const state = await service.status(call.callId);
            return { text: describeCall(state), details: { status: state.status } };
          }
        }
      } catch (error) {
        if (error instanceof VoiceCallError)
          return {
            text: `${call.action} failed: ${error.message}`,
            isError: true,
            details: { code: error.code },
          };
        throw error;
      }
    },
  });
}
