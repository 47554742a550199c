import type { PendingApproval } from '../../workflows/types.js';
import type { AssistantMessage, Usage } from '../messages.js';

/**
 * Parts of an agent run's progress, published by activities on the event bus (never
 * through workflow history). Names follow the `<noun>-<verb>` grammar.
 */
export type RunPart =
  /** The turn began (its user message is in the transcript). */
  | { type: 'run-start'; startedAt: number }
  /** A new LLM call (step) began; `attempt` > 1 means Temporal retried it. */
  | { type: 'step-start'; step: number; model: string }
  /** Model text; `text` is everything streamed so far in this step. */
  | { type: 'text-delta'; step: number; delta: string; text: string }
  /** The LLM call restarted (retry or fallback): discard this step's partial text. */
  | { type: 'stream-retry'; step: number; attempt: number; reason: string }
  /** The final assistant message of a step (with its tool calls, if any). */
  | { type: 'message-final'; step: number; message: AssistantMessage }
  | { type: 'tool-start'; step: number; toolCallId: string; name: string; args: unknown }
  | {
      type: 'tool-result';
      step: number;
      toolCallId: string;
      name: string;
      result: { text: string; details?: unknown };
      isError: boolean;
    }
  /** A tool call waits for a person's approval. */
  | { type: 'approval-request'; approval: PendingApproval }
  /** An approval was decided (or timed out, which denies it). */
  | { type: 'approval-resolve'; approvalId: string; decision: 'approve' | 'deny'; reason?: string }
  /** The turn finished; `message` is the last assistant message. */
  | {
      type: 'run-finish';
      endedAt: number;
      status: 'ok' | 'aborted' | 'error';
      message?: AssistantMessage;
      errorMessage?: string;
      usage?: Usage;
    };

/** One event on the bus: a part plus the run it belongs to. */
export interface RunEvent {
  runId: string;
  sessionKey: string;
  /** Workflow id of the turn. */
  turnId: string;
  ts: number;
  part: RunPart;
}

/** Publish and subscribe to run events. Implementations: in-process, or over the gateway's WebSocket. */
export interface EventBus {
  publish(event: RunEvent): void;
  subscribe(listener: (event: RunEvent) => void): () => void;
}
