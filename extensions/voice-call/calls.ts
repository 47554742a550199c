/**
 * The calls: placing one (a `voiceCall` workflow first, then Twilio), speaking on it,
 * waiting for the person's answer, hanging up, and reading its state. The tool, the
 * gateway methods and the webhook routes all go through here; the state itself lives in
 * each call's workflow, so any process of the deployment sees the same call.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type twilio from 'twilio';
import type { Config } from '../../core/config/schema.js';
import type { Logger } from '../../core/logger.js';
import type { PluginTemporal } from '../../core/plugins/types.js';
import {
  awaitUserSpeechUpdate,
  callFailedSignal,
  callPlacedSignal,
  callStateQuery,
  callStatusSignal,
  callUtteranceSignal,
  terminalCallStatuses,
  voiceCallWorkflowId,
  type VoiceCallInput,
  type VoiceCallState,
  type VoiceCallStatus,
} from '../../workflows/voice-call-definitions.js';
import { mayCall, type VoiceCallSettings } from './config.js';
import { VoiceCallError } from './errors.js';
import { prepareSpeech } from './speech.js';
import { callUrls, speakTwiml } from './twiml.js';
import { createTwilioClient, hangUp, placeCall, redirectCall } from './twilio-api.js';

/** What the person said after the assistant spoke (continue_call). */
export interface HeardReply {
  said: string[];
  status: VoiceCallStatus;
  timedOut: boolean;
}

/** What the calls service needs from the process. */
export interface VoiceCallsOptions {
  settings: VoiceCallSettings;
  config: Config;
  stateDir: string;
  logger: Logger;
  temporal: () => PluginTemporal;
}

const isOver = (status: VoiceCallStatus) => terminalCallStatuses.includes(status);

function providerMessage(error: unknown): string {
  const rest = error as { status?: number; code?: number; message?: string };
  return rest.status !== undefined
    ? `Twilio answered ${rest.status}${rest.code !== undefined ? ` (error ${rest.code})` : ''}: ${rest.message ?? ''}`
    : `Twilio could not be reached: ${rest.message ?? String(error)}`;
}

/** The calls service of one process. */
export function createVoiceCalls(options: VoiceCallsOptions) {
  const { settings, logger } = options;
  // Built on first use: a config without credentials never gets this far.
  let twilioClient: twilio.Twilio | undefined;
  const provider = () => (twilioClient ??= createTwilioClient(settings));
  const client = (): Client => options.temporal().client;
  const handle = (callId: string) => client().workflow.getHandle(voiceCallWorkflowId(callId));

  const speech = (text: string) =>
    prepareSpeech({
      text,
      settings,
      config: options.config,
      stateDir: options.stateDir,
      logger,
    });

  async function status(callId: string): Promise<VoiceCallState> {
    try {
      return await handle(callId).query(callStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new VoiceCallError('CALL_NOT_FOUND');
      throw error;
    }
  }

  async function activeCall(callId: string): Promise<VoiceCallState & { providerCallId: string }> {
    const state = await status(callId);
    if (isOver(state.status) || state.providerCallId === undefined)
      throw new VoiceCallError(
        'CALL_NOT_ACTIVE',
        `Call ${callId} is ${state.status}${state.providerCallId ? '' : ' and was never placed'}: it cannot be spoken to.`,
      );
    return state as VoiceCallState & { providerCallId: string };
  }

  async function speak(callId: string, message: string): Promise<VoiceCallState> {
    const state = await activeCall(callId);
    const twiml = speakTwiml(settings, callId, await speech(message), 'listen');
    try {
      await redirectCall(provider(), state.providerCallId, twiml);
    } catch (error) {
      throw new VoiceCallError('PROVIDER_FAILED', providerMessage(error));
    }
    // The person may hang up as it is said: the ended call's workflow is then gone.
    await signalIfFound(callId, () =>
      handle(callId).signal(callUtteranceSignal, {
        speaker: 'assistant',
        text: message,
        at: Date.now(),
      }),
    );
    return status(callId);
  }

  return {
    status,
    speak,

    /**
     * Place a call to `to` that starts by saying `message`. `callId` names its workflow:
     * the same id again (a retried request) finds the call instead of placing a second.
     */
    async initiate(request: {
      callId: string;
      to?: string;
      message: string;
      mode: 'conversation' | 'notify';
      sessionKey?: string;
    }): Promise<VoiceCallState> {
      const to = request.to ?? settings.toNumber;
      if (to === undefined) throw new VoiceCallError('NO_NUMBER');
      if (!mayCall(settings, to))
        throw new VoiceCallError(
          'NUMBER_NOT_ALLOWED',
          `${to} is not a number this assistant may call (plugins.entries.voice-call.config.allowTo).`,
        );
      const { client: temporalClient, taskQueue } = options.temporal();
      const input: VoiceCallInput = {
        callId: request.callId,
        to,
        from: settings.fromNumber,
        ...(request.sessionKey !== undefined ? { sessionKey: request.sessionKey } : {}),
        // The workflow waits a little longer than Twilio's TimeLimit for the last callback.
        maxDurationMs: (settings.maxDurationSec + 300) * 1000,
      };
      try {
        await temporalClient.workflow.start('voiceCall', {
          workflowId: voiceCallWorkflowId(request.callId),
          taskQueue,
          // A call id places one call ever: a key reused after the call ended finds it.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [input],
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return status(request.callId);
        throw error;
      }
      const call = handle(request.callId);
      const twiml = speakTwiml(
        settings,
        request.callId,
        await speech(request.message),
        request.mode === 'notify' ? 'hangup' : 'listen',
      );
      try {
        const placed = await placeCall(provider(), settings, {
          to,
          twiml,
          statusCallback: callUrls(settings, request.callId).status,
        });
        await call.signal(callPlacedSignal, { providerCallId: placed.sid });
      } catch (error) {
        const message = providerMessage(error);
        await call.signal(callFailedSignal, { error: message });
        throw new VoiceCallError('PROVIDER_FAILED', message);
      }
      await call.signal(callUtteranceSignal, {
        speaker: 'assistant',
        text: request.message,
        at: Date.now(),
      });
      return status(request.callId);
    },

    /** Say `message`, then wait for what the person answers (or the call to end). */
    async converse(callId: string, message: string): Promise<HeardReply> {
      const before = await activeCall(callId);
      const heard = before.transcript.filter((line) => line.speaker === 'user').length;
      await speak(callId, message);
      return handle(callId).executeUpdate(awaitUserSpeechUpdate, {
        args: [{ heard, timeoutMs: settings.replyTimeoutMs }],
      });
    },

    /** Hang up (a call that already ended is left as it is). */
    async end(callId: string): Promise<VoiceCallState> {
      const state = await status(callId);
      if (isOver(state.status) || state.providerCallId === undefined) return state;
      let ended: string;
      try {
        ended = await hangUp(provider(), state.providerCallId, state.status !== 'in-progress');
      } catch (error) {
        throw new VoiceCallError('PROVIDER_FAILED', providerMessage(error));
      }
      // Twilio answers with the call's new status; its status callback says the same, and
      // may arrive first: then the workflow has already ended and this signal finds nothing.
      if (isOver(ended as VoiceCallStatus))
        await signalIfFound(callId, () =>
          handle(callId).signal(callStatusSignal, {
            status: ended as VoiceCallStatus,
            at: Date.now(),
          }),
        );
      return status(callId);
    },

    /** The most recent calls, newest first. */
    async list(limit = 20): Promise<VoiceCallState[]> {
      const calls: VoiceCallState[] = [];
      for await (const execution of client().workflow.list({
        query: `WorkflowType = 'voiceCall'`,
      })) {
        const callId = execution.workflowId.replace(/^voicecall:/, '');
        // A call whose workflow history is gone (retention) is left out.
        const state = await status(callId).catch(() => undefined);
        if (state) calls.push(state);
        if (calls.length >= limit) break;
      }
      return calls.sort((a, b) => b.startedAt - a.startedAt);
    },

    /** A status callback from Twilio (already verified). */
    async onStatus(callId: string, params: Record<string, string>): Promise<boolean> {
      const callStatus = params.CallStatus as VoiceCallStatus | undefined;
      if (callStatus === undefined) return true;
      const duration = params.CallDuration !== undefined ? Number(params.CallDuration) : undefined;
      return signalIfFound(callId, () =>
        handle(callId).signal(callStatusSignal, {
          status: callStatus,
          at: Date.now(),
          ...(duration !== undefined && Number.isFinite(duration) ? { durationSec: duration } : {}),
        }),
      );
    },

    /** A Gather result: what the person said (already verified). */
    async onSpeech(callId: string, text: string): Promise<boolean> {
      return signalIfFound(callId, () =>
        handle(callId).signal(callUtteranceSignal, { speaker: 'user', text, at: Date.now() }),
      );
    },
  };
}

async function signalIfFound(callId: string, signal: () => Promise<void>): Promise<boolean> {
  try {
    await signal();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The calls service. */
export type VoiceCalls = ReturnType<typeof createVoiceCalls>;
