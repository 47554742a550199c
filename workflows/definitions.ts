import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AbortRequest,
  AbortResult,
  ApprovalDecision,
  InboundMessage,
  PendingApproval,
  SessionEnvelope,
  SessionState,
} from './types.js';

/** A new message for a session (sent with signal-with-start). */
export const messageSignal = defineSignal<[SessionEnvelope]>('message');
/** Messages handed to a running turn in `steer` mode, shown to the model before its next call. */
export const steerSignal = defineSignal<[InboundMessage[]]>('steer');
/** A session's queue and current turn. */
export const sessionStateQuery = defineQuery<SessionState>('state');

/** Abort the turn a session is running (chat.abort); answers with the runs it stopped. */
export const abortTurnUpdate = defineUpdate<AbortResult, [AbortRequest]>('abortTurn');

/** Decide a pending approval of a turn; answers with the decision applied. */
export const resolveApprovalUpdate = defineUpdate<{ applied: boolean }, [ApprovalDecision]>(
  'resolveApproval',
);
/** A turn's tool calls waiting for approval. */
export const pendingApprovalsQuery = defineQuery<PendingApproval[]>('pendingApprovals');

/**
 * Workflow types of session runs: `sessionTurn` (every session run since it was introduced)
 * and `session` (runs started before it, which continue-as-new as `sessionTurn`).
 */
export const sessionWorkflowTypes = ['sessionTurn', 'session'] as const;

/** A session run with no message for this long completes (the next message starts it again). */
export const sessionIdleTimeoutMs = 60 * 60 * 1000;

/** Workflow id of a session's workflow. */
export function sessionWorkflowId(sessionKey: string): string {
  return `session:${sessionKey}`;
}

/** Workflow id of the turn started by a message: the message id is in it, so a duplicate starts nothing. */
export function turnWorkflowId(sessionKey: string, messageId: string): string {
  return `turn:${sessionKey}:${messageId}`;
}
