/**
 * The voice call workflow's messages, shared by the workflow and the voice-call plugin
 * (which starts it, signals it from Twilio's webhooks and queries it for get_status).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Twilio's call statuses (the `CallStatus` of its status callbacks and call resource). */
export type VoiceCallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'canceled';

/** Statuses after which a call never changes again. */
export const terminalCallStatuses: readonly VoiceCallStatus[] = [
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
];

/** One line of what was said on the call. */
export interface VoiceCallUtterance {
  speaker: 'assistant' | 'user';
  text: string;
  at: number;
}

/** What a call workflow starts with. */
export interface VoiceCallInput {
  callId: string;
  to: string;
  from: string;
  /** The session whose turn placed the call (absent for calls placed over the gateway). */
  sessionKey?: string;
  /** How long the call may last before the workflow gives up waiting for its end. */
  maxDurationMs: number;
}

/** A call as get_status and voicecall.status show it. */
export interface VoiceCallState {
  callId: string;
  to: string;
  from: string;
  sessionKey?: string;
  /** Twilio's CallSid, once the call was placed. */
  providerCallId?: string;
  status: VoiceCallStatus;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  durationSec?: number;
  transcript: VoiceCallUtterance[];
  error?: string;
}

/** The provider accepted the call (its CallSid). */
export const callPlacedSignal = defineSignal<[{ providerCallId: string }]>('voiceCallPlaced');
/** Placing the call failed: the call ends without ever ringing. */
export const callFailedSignal = defineSignal<[{ error: string }]>('voiceCallFailed');
/** A status callback (initiated, ringing, answered, completed, ...). */
export const callStatusSignal =
  defineSignal<[{ status: VoiceCallStatus; at: number; durationSec?: number }]>('voiceCallStatus');
/** Something was said on the call: the assistant's speech, or the user's (a Gather result). */
export const callUtteranceSignal = defineSignal<[VoiceCallUtterance]>('voiceCallUtterance');
/** The call as it is now. */
export const callStateQuery = defineQuery<VoiceCallState>('voiceCallState');
/**
 * Wait until the user has said more than `heard` things (or the call ended, or `timeoutMs`
 * passed) and answer with what they said since.
 */
export const awaitUserSpeechUpdate = defineUpdate<
  { said: string[]; status: VoiceCallStatus; timedOut: boolean },
  [{ heard: number; timeoutMs: number }]
>('voiceCallAwaitUserSpeech');

/** Workflow id of a call. */
export function voiceCallWorkflowId(callId: string): string {
  return `voicecall:${callId}`;
}
