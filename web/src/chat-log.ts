// What the Chat view shows, as plain data: the conversation of one session, built from
// `chat.history` and then kept current by the gateway's `agent` and `chat` events. No DOM
// here, so the rules (a restarted stream replaces its text, late events of an ended run are
// ignored) are in one place.

/** An image sent with a message. */
export interface ImagePart {
  mimeType: string;
  data: string;
}

/** A tool call of a turn, with its result once known. */
export interface ToolPart {
  kind: 'tool';
  id: string;
  name: string;
  args: unknown;
  state: 'running' | 'done' | 'failed';
  result?: string;
}

/** A tool call of a turn that waits for a person's decision. */
export interface ApprovalPart {
  kind: 'approval';
  id: string;
  toolName: string;
  state: 'pending' | 'approve' | 'deny';
}

/** One piece of an assistant turn, in the order it happened. */
export type TurnPart =
  | { kind: 'text'; text: string }
  | ToolPart
  | ApprovalPart
  | { kind: 'note'; level: 'aborted' | 'error'; text: string };

/** One entry of the conversation. */
export type LogEntry =
  | { kind: 'user'; key: string; text: string; images: ImagePart[] }
  | { kind: 'assistant'; key: string; runId?: string; busy: boolean; parts: TurnPart[] };

type AssistantEntry = Extract<LogEntry, { kind: 'assistant' }>;

interface Block {
  type?: string;
  text?: string;
  mimeType?: string;
  data?: string;
  id?: string;
  name?: string;
  arguments?: unknown;
}

interface HistoryMessage {
  role?: string;
  content?: Block[] | string;
  toolCallId?: string;
  isError?: boolean;
}

const blocksOf = (message: { content?: Block[] | string }): Block[] =>
  typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : Array.isArray(message.content)
      ? message.content
      : [];

/** The text blocks of a message, joined. */
export const textOf = (message: { content?: Block[] | string }): string =>
  blocksOf(message)
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('');

/** A field of an event's data as text ('' when absent or not a string). */
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The conversation of one session. */
export class ChatLog {
  entries: LogEntry[] = [];
  private readonly runs = new Map<string, AssistantEntry>();
  // An aborted LLM call may still stream a little after its run ended: those events are late.
  private readonly ended = new Set<string>();
  private count = 0;
  /** The run the Abort button stops (undefined when none runs). */
  activeRun: string | undefined;

  constructor(readonly sessionKey: string) {}

  private key(): string {
    return `e${++this.count}`;
  }

  /** Replace everything with a session's history (oldest first). */
  loadHistory(messages: unknown[]): void {
    this.entries = [];
    this.runs.clear();
    this.activeRun = undefined;
    let turn: AssistantEntry | undefined;
    for (const raw of messages) {
      const message = raw as HistoryMessage;
      if (message.role === 'user') {
        turn = undefined;
        this.addUser(textOf(message), imagesOf(message));
      } else if (message.role === 'assistant') {
        if (!turn) {
          turn = { kind: 'assistant', key: this.key(), busy: false, parts: [] };
          this.entries.push(turn);
        }
        const text = textOf(message);
        if (text) turn.parts.push({ kind: 'text', text });
        for (const block of blocksOf(message).filter((one) => one.type === 'toolCall')) {
          turn.parts.push(toolPart(block.id ?? '', block.name ?? 'tool', block.arguments));
        }
      } else if (message.role === 'toolResult' && turn) {
        finishTool(turn, message.toolCallId ?? '', textOf(message), message.isError === true);
      }
    }
  }

  /** A message the person sent. */
  addUser(text: string, images: ImagePart[] = []): void {
    this.entries.push({ kind: 'user', key: this.key(), text, images });
  }

  /** The turn of a run, created on its first sign of life. */
  turn(runId: string): AssistantEntry {
    let turn = this.runs.get(runId);
    if (!turn) {
      turn = { kind: 'assistant', key: this.key(), runId, busy: true, parts: [] };
      this.runs.set(runId, turn);
      this.entries.push(turn);
    }
    return turn;
  }

  /** A run ended (final, aborted, error, or the send failed). */
  endRun(runId: string): void {
    const turn = this.runs.get(runId);
    if (turn) turn.busy = false;
    this.runs.delete(runId);
    this.ended.add(runId);
    if (this.ended.size > 1000) this.ended.delete(this.ended.values().next().value!);
    if (this.activeRun === runId) this.activeRun = undefined;
  }

  /** Apply an `agent` event; true when it changed what is shown. */
  applyAgent(payload: {
    runId?: string;
    sessionKey?: string;
    stream?: string;
    data?: Record<string, unknown>;
  }): boolean {
    const { runId, stream, data = {} } = payload;
    if (payload.sessionKey !== this.sessionKey || !runId || this.ended.has(runId)) return false;
    const turn = this.turn(runId);
    if (stream === 'lifecycle' && data.phase === 'start') this.activeRun = runId;
    if (stream === 'assistant') {
      // The text of the current step replaces itself: a restarted stream never shows twice.
      setStepText(turn, data.reset ? '' : str(data.text));
    }
    if (stream === 'tool' && data.phase === 'start') {
      turn.parts.push(toolPart(str(data.toolCallId), str(data.name), data.args));
    }
    if (stream === 'tool' && data.phase === 'result') {
      const result = (data.result ?? {}) as { content?: Block[] | string };
      finishTool(turn, str(data.toolCallId), textOf(result), data.isError === true);
    }
    return true;
  }

  /**
   * A tool call of this session waits for approval (an `exec.approval.requested` event, or
   * `exec.approval.list` after a reload); true when it changed what is shown.
   */
  applyApprovalRequest(approval: {
    id: string;
    runId: string;
    sessionKey: string;
    toolName: string;
  }): boolean {
    if (approval.sessionKey !== this.sessionKey || this.ended.has(approval.runId)) return false;
    const turn = this.turn(approval.runId);
    if (turn.parts.some((part) => part.kind === 'approval' && part.id === approval.id)) {
      return false;
    }
    turn.parts.push({
      kind: 'approval',
      id: approval.id,
      toolName: approval.toolName,
      state: 'pending',
    });
    return true;
  }

  /** A decision on an approval (`exec.approval.resolved`); true when it changed what is shown. */
  applyApprovalDecision(id: string, decision: 'approve' | 'deny'): boolean {
    for (const entry of this.entries) {
      if (entry.kind !== 'assistant') continue;
      const part = entry.parts.find(
        (one): one is ApprovalPart => one.kind === 'approval' && one.id === id,
      );
      if (part) {
        part.state = decision;
        return true;
      }
    }
    return false;
  }

  /** Apply a `chat` event; true when it changed what is shown. */
  applyChat(payload: {
    runId?: string;
    sessionKey?: string;
    state?: string;
    message?: { content?: Block[] };
    errorMessage?: string;
  }): boolean {
    const { runId, state } = payload;
    if (payload.sessionKey !== this.sessionKey || !runId || state === 'delta') return false;
    if (this.ended.has(runId)) return false;
    const turn = this.turn(runId);
    if (state === 'final' && payload.message) setStepText(turn, textOf(payload.message));
    if (state === 'aborted') turn.parts.push({ kind: 'note', level: 'aborted', text: 'Aborted.' });
    if (state === 'error') {
      const reason = payload.errorMessage ?? 'the run failed';
      turn.parts.push({ kind: 'note', level: 'error', text: `Error: ${reason}` });
    }
    this.endRun(runId);
    return true;
  }
}

function imagesOf(message: HistoryMessage): ImagePart[] {
  return blocksOf(message)
    .filter((block) => block.type === 'image' && block.data)
    .map((block) => ({ mimeType: block.mimeType ?? 'image/png', data: block.data ?? '' }));
}

function toolPart(id: string, name: string, args: unknown): ToolPart {
  return { kind: 'tool', id, name, args: args ?? {}, state: 'running' };
}

function finishTool(turn: AssistantEntry, id: string, result: string, isError: boolean): void {
  const tool = turn.parts.find((part): part is ToolPart => part.kind === 'tool' && part.id === id);
  if (!tool) return;
  tool.state = isError ? 'failed' : 'done';
  tool.result = result;
}

/** Text after a tool call belongs to the next step: a new text part. */
function setStepText(turn: AssistantEntry, text: string): void {
  const last = turn.parts[turn.parts.length - 1];
  if (last?.kind === 'text') last.text = text;
  else if (text) turn.parts.push({ kind: 'text', text });
}
