import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SessionEnvelope, SessionState, InboundMessage } from './types.js';

/** A new message for a session (sent with signal-with-start). */
export const messageSignal = defineSignal<[SessionEnvelope]>('message');
/** Messages handed to a running turn in `steer` mode, shown to the model before its next call. */
export const steerSignal = defineSignal<[InboundMessage[]]>('steer');
/** A session's queue and current turn. */
export const sessionStateQuery = defineQuery<SessionState>('state');

/** Workflow id of a session's workflow. */
export function sessionWorkflowId(sessionKey: string): string {
  return `session:${sessionKey}`;
}

/** Workflow id of the turn started by a message: the message id is in it, so a duplicate starts nothing. */
export function turnWorkflowId(sessionKey: string, messageId: string): string {
  return `turn:${sessionKey}:${messageId}`;
}
