// Types shared by workflows, activities and the gateway. Types only: workflow code may
// import nothing else from outside workflows/.
import type { RunPart } from '../core/events/types.js';
import type { AssistantMessage, ToolCallBlock, Usage } from '../core/messages.js';
import type { SkillsSnapshot } from '../core/skills/catalog.js';
import type { TurnAccess } from '../core/security/turn-access.js';

export type { TurnAccess };

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
  /** Set when a messaging channel sent it: where the reply goes (channel.deliver). */
  delivery?: DeliveryTarget;
  /** The platform's id of the sender (channel messages): the tool policy's sender layer. */
  senderId?: string;
}

/** Where a channel message came from, and so where its reply is delivered. */
export interface DeliveryTarget {
  channel: string;
  accountId: string;
  chatType: 'direct' | 'group' | 'channel';
  chatId: string;
  threadId?: string;
  /** The platform message that triggered the turn (replies quote it per replyToMode). */
  platformMessageId: string;
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
  /** Which tool calls wait for a person's decision. */
  approvals?: ApprovalRules;
  /** memory.autoRecall: add this many top memories to the turn before its first LLM call. */
  autoRecall?: { maxResults: number };
}

/** Tool calls that need approval before they run. */
export interface ApprovalRules {
  tools: string[];
  bashPatterns: string[];
  timeoutMs: number;
}

/** A tool call waiting for approval. */
export interface PendingApproval {
  approvalId: string;
  turnId: string;
  sessionKey: string;
  runId: string;
  toolCallId: string;
  toolName: string;
  args: Record<string, unknown>;
  requestedAt: number;
  expiresAt: number;
}

/** A person's decision on a pending approval. */
export interface ApprovalDecision {
  approvalId: string;
  decision: 'approve' | 'deny';
  reason?: string;
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
  /** The previous run's turn end, announced by this run first (see session.ts). */
  announce?: { ref: TurnRef; part: RunPart };
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
  /** Owning host for the session if this turn creates it (a sub-agent's parent's host). */
  host?: string;
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
  /** The task queue of the host that owns the session (a cluster's host-bound tools). */
  taskQueue?: string;
  /** How long the call waits for that host's worker before it fails, unrun. */
  scheduleToStartTimeoutMs?: number;
  /** A channel's tool: `taskQueue` is the gateway hosting that channel, not a workspace host. */
  channel?: string;
  /**
   * Run as a local activity (quick work on the disk of the worker that runs the workflow).
   * Part of the recorded policy, so a replay schedules each call as it was first scheduled.
   */
  local?: boolean;
}

/** Result of preparing a turn. */
export interface PreparedTurn {
  sessionId: string;
  /** The host whose workspace the session uses, when the sessions store is shared. */
  host?: string;
  /** Policies of the tools the model may call, by tool name. */
  tools: Record<string, ToolActivityPolicy>;
  /** What this turn may do (tool policy, sandbox); absent in histories recorded before it. */
  access?: TurnAccess;
  /** Text plugins' before_agent_start hooks added to this turn's system prompt. */
  pluginContext?: string;
  /** Turn-changing plugin hooks the preparing worker has (the workflow runs only those). */
  pluginHooks?: 'before_tool_call'[];
}

/** Common fields of activities that work inside a turn. */
export interface TurnRef {
  sessionKey: string;
  sessionId: string;
  runId: string;
  turnId: string;
}

/** What preparing a turn needs: the session, the messages to record, the run to announce. */
export interface PrepareInput {
  sessionKey: string;
  runId: string;
  turnId: string;
  messages: InboundMessage[];
  /** Owner for a session this creates (a spawned sub-agent works in its parent's workspace). */
  host?: string;
}

/** Input of the LLM activity: everything else it reads from the transcript. */
export interface GenerateInput extends TurnRef {
  step: number;
  models: string[];
  extraSystemPrompt?: string;
  /** The turn's access, as prepared: which tools are offered, which workspace. */
  access?: TurnAccess;
  /**
   * The turn's first call prepares the turn itself (resolve the session, record the user
   * messages, announce the run; idempotent, as the call may be retried). `sessionId` is
   * then empty and the result carries `prepared`.
   */
  prepare?: PrepareInput;
  /**
   * The turn's skills as the session's host computed them (a cluster whose session lives
   * on another host); without it the activity asks its own host's catalog.
   */
  skills?: SkillsSnapshot;
  /** The turn's first message when it starts with `/` (a skill's slash command, maybe). */
  skillCommand?: string;
  /** The session's owning host, when the turn was prepared before this call (a cluster). */
  host?: string;
  /** The history was just compacted for this step: fit it as it is, do not ask again. */
  compacted?: boolean;
  /**
   * Set when a reply without tool calls would end the turn: the call then also finishes it,
   * as turn.finish does for a turn that ended 'ok' (its usage: these earlier steps' plus the
   * reply's own), and returns `finished`, so the workflow needs no local activity after the
   * last LLM call. Idempotent as the rest of the call.
   */
  finishIfFinal?: { usageBefore: Usage; announce: boolean };
}

/** What finishing a turn answers: its reply text, and its end if it was not published. */
export interface FinishedTurn {
  text: string;
  announcement?: RunPart;
}

/** The LLM activity's result: the final message of this step (never the deltas). */
export type GenerateResult = StepReply | CompactionRequest;

/** The model answered this step. */
export interface StepReply {
  message: AssistantMessage;
  toolCalls: ToolCallBlock[];
  /** Set when the input asked to prepare the turn. */
  prepared?: PreparedTurn;
  /** Set when the input asked to finish a final reply's turn and this reply was final. */
  finished?: FinishedTurn;
  /**
   * The skills this call used, returned when the session is owned by a host (a cluster)
   * and that host ran the call, so later steps of the turn reuse them wherever they run.
   */
  skills?: SkillsSnapshot;
}

/**
 * The LLM activity's answer when the session's skills live on another host (a cluster):
 * the model was not called; the workflow fetches the skills there and calls again.
 */
export interface SkillsDeferred {
  deferred: 'skills';
  /** The turn as this call prepared it (absent when the call did not prepare it). */
  prepared?: PreparedTurn;
}

/**
 * The model was not asked: the history must be compacted first (`needed`), or the user
 * asked for it with /compact (`forced`). The workflow runs the compaction activity, then
 * calls again with `compacted` set.
 */
export interface CompactionRequest {
  compaction: 'needed' | 'forced';
  prepared?: PreparedTurn;
  /** As in StepReply: the skills of the session's host, for the next call. */
  skills?: SkillsSnapshot;
}

/** Input of the compaction activity. */
export interface CompactInput extends TurnRef {
  step: number;
  models: string[];
  /** /compact: summarise whatever is older than the kept turns, and answer the user. */
  force: boolean;
}

/** What a compaction did; `reply` answers a /compact and ends the turn. */
export interface CompactResult {
  mode: 'summary' | 'truncation' | 'none';
  messagesCompacted: number;
  reply?: AssistantMessage;
}

/** How a turn run by a session ended: the session run's memo, read by agent.wait. */
export interface TurnOutcome {
  runId: string;
  status: TurnResult['status'];
  text: string;
  errorMessage?: string;
}

/** Ask a session to abort its running turn (that run's only, when runId is set). */
export interface AbortRequest {
  runId?: string;
}

/** The runs an abort request stopped. */
export interface AbortResult {
  runIds: string[];
}

/** Input of a tool activity (`tool.<name>`). */
export interface ToolInput extends TurnRef {
  step: number;
  toolCallId: string;
  name: string;
  args: Record<string, unknown>;
  /** A direct invocation (POST /tools/invoke): run the tool, record nothing in the transcript. */
  direct?: boolean;
  /** The turn's access, as prepared (sandbox, workspace, session visibility). */
  access?: TurnAccess;
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
  /** Files to send with the reply (ToolResult.media), e.g. the tts tool's audio. */
  media?: string[];
}

/** Input of the activity that ends a turn. */
export interface FinishInput extends TurnRef {
  status: TurnResult['status'];
  errorMessage?: string;
  /** Set when the step limit stopped the turn. */
  stepLimit?: number;
  last?: AssistantMessage;
  usage: Usage;
  /**
   * False: do not publish the run's end, return it (`announcement`) for the caller to
   * publish once the workflow has moved on (the session's next run announces it).
   */
  announce?: boolean;
}

/** Input of a sub-agent spawned by sessions_spawn. */
export interface SubagentInput {
  parentSessionKey: string;
  sessionKey: string;
  runId: string;
  task: string;
  label?: string;
  settings: TurnSettings;
  /** The parent session's workspace host (cluster): the sub-agent works there too. */
  host?: string;
}

/** When a cron job fires: a cron expression (in a time zone), a fixed interval, or once (`at`, epoch ms). */
export type CronSchedule =
  | { kind: 'cron'; expr: string; tz?: string }
  | { kind: 'every'; everyMs: number }
  | { kind: 'at'; at: number };

/**
 * Where a cron job's turns run: in a session (whose reply is the delivery), or in a session
 * of the job's own whose result is delivered to `deliverTo` as a message, if set.
 */
export type CronTarget = { sessionKey: string } | { isolated: true; deliverTo?: string };

/** What a job does with fire times that passed while it could not fire: run once now, or skip them. */
export type CronCatchUp = 'one' | 'none';

/** A cron job as described by whoever added it. */
export interface CronJobSpec {
  name?: string;
  schedule: CronSchedule;
  target: CronTarget;
  /** The message each fire sends to the agent. */
  message: string;
  catchUp: CronCatchUp;
}

/** Input of the cronJob workflow; the optional fields carry its state over continue-as-new. */
export interface CronJobInput extends CronJobSpec {
  jobId: string;
  settings: TurnSettings;
  createdAt: number;
  nextFireAt?: number;
  fires?: number;
  runs?: CronRun[];
  /** runNow request ids not yet served, and recently served ones (a repeated request is one run). */
  pendingRequests?: string[];
  servedRequests?: string[];
}

/** One fire of a cron job, or scheduled fires it skipped; `runs` keeps the newest last. */
export interface CronRun {
  trigger: 'schedule' | 'catch-up' | 'manual';
  status: 'ok' | 'error' | 'aborted' | 'timeout' | 'skipped';
  /** The fire time this entry stands for (the first one, when it covers several). */
  scheduledAt: number;
  /** Catch-up and skipped entries: how many scheduled fire times they cover, and the last one. */
  missed?: number;
  lastScheduledAt?: number;
  /** When the job woke for it (workflow time). */
  firedAt: number;
  /** How late the job woke after the latest fire time this entry stands for. */
  lagMs: number;
  runId?: string;
  sessionKey?: string;
  finishedAt?: number;
  /** The reply, capped. */
  text?: string;
  errorMessage?: string;
}

/** What the cronJob workflow's state query answers. */
export interface CronJobState extends CronJobSpec {
  jobId: string;
  createdAt: number;
  /** Undefined once a one-shot job has fired. */
  nextFireAt: number | undefined;
  running: { runId: string; scheduledAt: number; startedAt: number } | undefined;
  fires: number;
  removed: boolean;
  runs: CronRun[];
}

/** A cron job as listed: its description, from the workflow memo. */
export interface CronJobInfo extends CronJobSpec {
  jobId: string;
  createdAt: number;
  status: string;
}

/** The cron tool's request after validation (the model's `request` argument). */
export type CronToolRequest =
  | {
      action: 'add';
      name?: string;
      schedule: CronSchedule;
      message: string;
      session: 'current' | 'isolated';
      catchUp: CronCatchUp;
    }
  | { action: 'list' }
  | { action: 'remove'; jobId: string }
  | { action: 'run'; jobId: string }
  | { action: 'runs'; jobId: string; limit: number };

/** Input of the cron.fire activity: one message into the job's target session, awaited. */
export interface CronFireInput {
  sessionKey: string;
  runId: string;
  text: string;
  timeoutMs: number;
}

/** How a fired turn ended. */
export interface CronFireResult {
  status: TurnResult['status'] | 'timeout';
  text: string;
  errorMessage?: string;
}

/** Input of the cron.nextFire local activity: fire times of a cron expression around `now`. */
export interface CronNextFireInput {
  expr: string;
  tz?: string;
  /** Count fire times after this one (exclusive) up to `now` (inclusive). */
  after: number;
  now: number;
}

/** Fire times: the first one after `now` (none: the expression never fires again), and those passed since `after`. */
export interface CronNextFireResult {
  next: number | undefined;
  passed: number;
  /** The last fire time at or before `now` (`after` when none passed). */
  lastDue: number;
}
