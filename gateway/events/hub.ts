/**
 * The event hub: turns the run events activities publish on the bus into OpenClaw's
 * `agent` and `chat` events (and `exec.approval.*` for approvals), ready to broadcast. It keeps a little state per run (the
 * per-run `seq` and the current step's text) and forgets a run when it finishes.
 */
import type { EventBus, RunEvent, RunPart } from '../../core/events/types.js';
import { messageText } from '../../core/messages.js';
import type {
  AgentEventPayload,
  ApprovalRequestedPayload,
  ApprovalResolvedPayload,
  ChatEventMessage,
  ChatEventPayload,
} from '../../core/protocol/index.js';

/** What the hub emits; the WebSocket server stamps the gateway-wide seq on each. */
export type HubEvent =
  | { event: 'agent'; payload: AgentEventPayload }
  | { event: 'chat'; payload: ChatEventPayload }
  | { event: 'exec.approval.requested'; payload: ApprovalRequestedPayload }
  | { event: 'exec.approval.resolved'; payload: ApprovalResolvedPayload };

/** Options of the hub. */
export interface EventHubOptions {
  /** Runs tracked at once; the oldest is forgotten beyond this (its finish may never come). */
  maxRuns?: number;
}

interface RunState {
  seq: number;
  /** Text streamed so far in the current step. */
  text: string;
}

function chatMessage(text: string, timestamp: number): ChatEventMessage {
  return { role: 'assistant', content: [{ type: 'text', text }], timestamp };
}

/** Map one run event to the protocol events it causes, updating the run's state. */
export function mapRunEvent(state: RunState, event: RunEvent): HubEvent[] {
  const { runId, sessionKey, ts } = event;
  const agent = (stream: AgentEventPayload['stream'], data: Record<string, unknown>): HubEvent => {
    state.seq += 1;
    return { event: 'agent', payload: { runId, stream, data, sessionKey, seq: state.seq, ts } };
  };
  // A chat event shares the seq of the agent event it summarises, as OpenClaw does.
  const chat = (fields: Omit<ChatEventPayload, 'runId' | 'sessionKey' | 'seq'>): HubEvent => ({
    event: 'chat',
    payload: { runId, sessionKey, seq: state.seq, ...fields },
  });
  const part: RunPart = event.part;
  switch (part.type) {
    case 'run-start':
      return [agent('lifecycle', { phase: 'start', startedAt: part.startedAt })];
    case 'step-start':
      // Each step streams its own text from empty.
      state.text = '';
      return [];
    case 'message-final':
      // Kept in case run-finish comes without its message.
      state.text = messageText(part.message);
      return [];
    case 'text-delta':
      state.text = part.text;
      return [
        agent('assistant', { text: part.text, delta: part.delta }),
        chat({ state: 'delta', message: chatMessage(part.text, ts) }),
      ];
    case 'stream-retry':
      // The step restarts: clients must drop the partial text instead of showing it twice.
      state.text = '';
      return [
        agent('assistant', { text: '', delta: '', reset: true }),
        chat({ state: 'delta', message: chatMessage('', ts) }),
      ];
    case 'tool-start':
      return [
        agent('tool', {
          phase: 'start',
          name: part.name,
          toolCallId: part.toolCallId,
          args: part.args,
        }),
      ];
    case 'tool-result':
      return [
        agent('tool', {
          phase: 'result',
          name: part.name,
          toolCallId: part.toolCallId,
          isError: part.isError,
          result: {
            content: [{ type: 'text', text: part.result.text }],
            ...(part.result.details === undefined ? {} : { details: part.result.details }),
          },
        }),
      ];
    case 'approval-request': {
      const { approval } = part;
      return [
        {
          event: 'exec.approval.requested',
          payload: {
            id: approval.approvalId,
            request: {
              toolName: approval.toolName,
              toolCallId: approval.toolCallId,
              args: approval.args,
              sessionKey: approval.sessionKey,
              runId: approval.runId,
            },
            createdAtMs: approval.requestedAt,
            expiresAtMs: approval.expiresAt,
          },
        },
      ];
    }
    case 'approval-resolve':
      return [
        {
          event: 'exec.approval.resolved',
          payload: {
            id: part.approvalId,
            decision: part.decision,
            ts,
            ...(part.reason === undefined ? {} : { reason: part.reason }),
          },
        },
      ];
    case 'run-finish': {
      const text = part.message ? messageText(part.message) : state.text;
      if (part.status === 'error') {
        const error = part.errorMessage ?? 'run failed';
        return [
          agent('lifecycle', { phase: 'error', error, endedAt: part.endedAt }),
          chat({ state: 'error', errorMessage: error }),
        ];
      }
      if (part.status === 'aborted') {
        return [
          agent('lifecycle', { phase: 'end', endedAt: part.endedAt, aborted: true }),
          chat({ state: 'aborted', ...(text ? { message: chatMessage(text, part.endedAt) } : {}) }),
        ];
      }
      return [
        agent('lifecycle', { phase: 'end', endedAt: part.endedAt }),
        chat({ state: 'final', message: chatMessage(text, part.endedAt) }),
      ];
    }
  }
}

/** Subscribe to the bus and emit protocol events; returns the unsubscribe function. */
export function startEventHub(
  bus: EventBus,
  emit: (event: HubEvent) => void,
  options: EventHubOptions = {},
): () => void {
  const maxRuns = options.maxRuns ?? 10_000;
  const runs = new Map<string, RunState>();
  // A run's end is published at least once: a session run whose first task is retried (its
  // worker died after publishing) announces the previous turn's end again. Clients get one
  // end per run.
  const finished = new Set<string>();
  return bus.subscribe((event) => {
    if (event.part.type === 'run-finish') {
      if (finished.has(event.runId)) return;
      finished.add(event.runId);
      if (finished.size > maxRuns) finished.delete(finished.values().next().value!);
    }
    let state = runs.get(event.runId);
    if (state === undefined) {
      state = { seq: 0, text: '' };
      runs.set(event.runId, state);
      if (runs.size > maxRuns) runs.delete(runs.keys().next().value!);
    }
    const out = mapRunEvent(state, event);
    if (event.part.type === 'run-finish') runs.delete(event.runId);
    for (const item of out) emit(item);
  });
}
