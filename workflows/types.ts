// Types shared by workflows, activities and the gateway. Types only: workflow code may
// import nothing else from outside workflows/.
import type { AssistantMessage, ToolCallBlock, Usage } from '../core/messages.js';

/** An inbound user message, from any client or channel. */
export interface InboundMessage {
  /** Unique per session (a client's idempotency key); the same id twice yields one turn. */
  messageId: string;
  text: string;
  attachments?: { type: 'image'; mimeType: string; data: string }[];
  /** Where it came from: 'webchat', 'http', 'telegram', ... */
  channel: string;
  /** Extra system prompt for this turn (e.g. system messages of /v1/chat/completions). */
  extraSystemPrompt?: string;
  receivedAt: number;
}

/** How a session queues messages that arrive while a turn runs. */
export type QueueMode = 'followup' | 'collect' | 'steer';

/** Settings a message is sent with; the newest message's settings apply to the next turn. */
export interface TurnSettings {
  agentId: string;
  models: string[];
  maxSteps: number;
  queueMode: QueueMode;
  debounceMs: number;
}

/** A message signalled into a session, with the settings current when it was sent. */
export interface SessionEnvelope {
  message: InboundMessage;
  settings: TurnSettings;
}

/** Input of the long-lived session workflow. */
export interface SessionInput {
  sessionKey: string;
  settings: TurnSettings;
  /** Messages carried over continue-as-new. */
  pending?: InboundMessage[];
  /** Recently handled message ids, carried over continue-as-new for de-duplication. */
  seen?: string[];
  /** The session completes after this long without messages (a new message restarts it). */
  idleTimeoutMs?: number;
}

/** The turn a session is running now. */
export interface CurrentTurn {
  runId: string;
  turnId: string;
  messageIds: string[];
  startedAt: number;
}

/** What the session workflow's state query answers. */
export interface SessionState {
  sessionKey: string;
  queue: InboundMessage[];
  current: CurrentTurn | undefined;
  turnsCompleted: number;
}

/** Input of one agent turn. */
export interface TurnInput {
  sessionKey: string;
  runId: string;
  settings: TurnSettings;
  messages: InboundMessage[];
}

/** How a turn ended. */
export interface TurnResult {
  runId: string;
  status: 'ok' | 'error' | 'aborted';
  text: string;
  errorMessage?: string;
  steps: number;
  usage: Usage;
}

/** Retry and timeout policy of one tool, as the workflow schedules its activity. */
export interface ToolActivityPolicy {
  startToCloseTimeoutMs: number;
  maximumAttempts: number;
  heartbeatTimeoutMs?: number;
}

/** Result of preparing a turn. */
export interface PreparedTurn {
  sessionId: string;
  /** Policies of the tools the model may call, by tool name. */
  tools: Record<string, ToolActivityPolicy>;
}

/** Common fields of activities that work inside a turn. */
export interface TurnRef {
  sessionKey: string;
  sessionId: string;
  runId: string;
  turnId: string;
}

/** Input of the LLM activity: everything else it reads from the transcript. */
export interface GenerateInput extends TurnRef {
  step: number;
  models: string[];
  extraSystemPrompt?: string;
}

/** The LLM activity's result: the final message of this step (never the deltas). */
export interface GenerateResult {
  message: AssistantMessage;
  toolCalls: ToolCallBlock[];
}

/** Input of a tool activity (`tool.<name>`). */
export interface ToolInput extends TurnRef {
  step: number;
  toolCallId: string;
  name: string;
  args: Record<string, unknown>;
  /** A direct invocation (POST /tools/invoke): run the tool, record nothing in the transcript. */
  direct?: boolean;
}

/** Input of the toolInvoke workflow. */
export interface ToolInvokeInput {
  sessionKey: string;
  invocationId: string;
  tool: string;
  args: Record<string, unknown>;
}

/** Result of the toolInvoke workflow. */
export type ToolInvokeResult = ({ found: true } & ToolOutput) | { found: false; tools: string[] };

/** A tool activity's result, capped: the full output is in the transcript. */
export interface ToolOutput {
  isError: boolean;
  text: string;
}

/** Input of the activity that ends a turn. */
export interface FinishInput extends TurnRef {
  status: TurnResult['status'];
  errorMessage?: string;
  /** Set when the step limit stopped the turn. */
  stepLimit?: number;
  last?: AssistantMessage;
  usage: Usage;
}

/** Input of a sub-agent spawned by sessions_spawn. */
export interface SubagentInput {
  parentSessionKey: string;
  sessionKey: string;
  runId: string;
  task: string;
  label?: string;
  settings: TurnSettings;
}
