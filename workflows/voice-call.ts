import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  awaitUserSpeechUpdate,
  callFailedSignal,
  callPlacedSignal,
  callStateQuery,
  callStatusSignal,
  callUtteranceSignal,
  terminalCallStatuses,
  type VoiceCallInput,
  type VoiceCallState,
  type VoiceCallStatus,
} from './voice-call-definitions.js';

// Twilio does not promise that status callbacks arrive in order: a late `ringing` must not
// move an answered call back.
const rank: Record<VoiceCallStatus, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  failed: 4,
  canceled: 4,
};

const isOver = (status: VoiceCallStatus) => terminalCallStatuses.includes(status);

/**
 * One phone call (the voice-call plugin). It outlives the turn that placed it: the plugin
 * places the call with the provider and signals this workflow; the provider's status and
 * speech webhooks become signals; tools and gateway methods query it, or wait (an update)
 * for what the user says next. It holds state only: every provider request is the
 * plugin's, made where its credentials are.
 */
export async function voiceCall(input: VoiceCallInput): Promise<VoiceCallState> {
  const state: VoiceCallState = {
    callId: input.callId,
    to: input.to,
    from: input.from,
    ...(input.sessionKey !== undefined ? { sessionKey: input.sessionKey } : {}),
    status: 'queued',
    startedAt: Date.now(),
    transcript: [],
  };
  const userSaid = () => state.transcript.filter((line) => line.speaker === 'user');

  setHandler(callStateQuery, () => state);
  setHandler(callPlacedSignal, ({ providerCallId }) => {
    state.providerCallId = providerCallId;
  });
  setHandler(callFailedSignal, ({ error }) => {
    state.error = error;
    if (!isOver(state.status)) {
      state.status = 'failed';
      state.endedAt = Date.now();
    }
  });
  setHandler(callStatusSignal, ({ status, at, durationSec }) => {
    if (rank[status] < rank[state.status] || isOver(state.status)) return;
    state.status = status;
    if (status === 'in-progress') state.answeredAt ??= at;
    if (isOver(status)) {
      state.endedAt = at;
      if (durationSec !== undefined) state.durationSec = durationSec;
    }
  });
  setHandler(callUtteranceSignal, (utterance) => {
    state.transcript.push(utterance);
  });
  setHandler(awaitUserSpeechUpdate, async ({ heard, timeoutMs }) => {
    const arrived = await condition(
      () => userSaid().length > heard || isOver(state.status),
      timeoutMs,
    );
    return {
      said: userSaid()
        .slice(heard)
        .map((line) => line.text),
      status: state.status,
      timedOut: !arrived,
    };
  });

  const ended = await condition(() => isOver(state.status), input.maxDurationMs);
  if (!ended) {
    state.error = `no end of the call was reported within ${Math.round(input.maxDurationMs / 1000)} s`;
    state.status = 'failed';
    state.endedAt = Date.now();
  }
  // Waiters get their answer (the call ended) before the workflow closes.
  await condition(allHandlersFinished);
  return state;
}
