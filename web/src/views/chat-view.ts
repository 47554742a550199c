// Chat: one session's conversation (#/chat/<sessionKey>; the main session by default).
// Streams replies, folds tool calls open/closed with their arguments and results, sends
// images, aborts the running turn and loads older history when scrolled to the top.
// Model output is rendered by ../markdown.ts into text nodes: never as markup.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { ChatLog, type ImagePart, type LogEntry, type TurnPart } from '../chat-log.js';
import type { ControlContext } from '../contract.js';
import { renderMarkdown } from '../markdown.js';
import { errorText, viewStyles } from '../view-styles.js';

const FIRST_PAGE = 50;
const PAGE = 100;
const MAX_HISTORY = 1000; // chat.history's own limit
const PREVIEW_CHARS = 4000;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

interface Attachment extends ImagePart {
  fileName: string;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (truncated)` : text;
}

// crypto.randomUUID exists only in secure contexts; a LAN address over http is not one.
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function readImage(file: File): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const [, data = ''] = url.split(',', 2);
      resolve({ mimeType: file.type, data, fileName: file.name });
    };
    reader.readAsDataURL(file);
  });
}

/** `<cb-chat-view>` */
export class ChatView extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    log: { state: true },
    attachments: { state: true },
    loadingOlder: { state: true },
  };

  declare ctx: ControlContext;
  declare log: ChatLog | undefined;
  declare attachments: Attachment[];
  declare loadingOlder: boolean;

  private historyLimit = FIRST_PAGE;
  private hasOlder = false;
  private stickToBottom = true;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.attachments = [];
    this.loadingOlder = false;
  }

  /** The session this view shows: the route's, else the gateway's main session. */
  private get sessionKey(): string | undefined {
    const fromRoute = this.ctx?.params[0];
    if (fromRoute) return fromRoute;
    const hello = this.ctx?.rpc.hello;
    if (!hello) return undefined;
    return hello.snapshot?.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const rpc = this.ctx.rpc;
    this.unsubscribe = [
      rpc.onEvent('agent', (payload) => {
        if (this.log?.applyAgent(payload as Parameters<ChatLog['applyAgent']>[0])) this.changed();
      }),
      rpc.onEvent('chat', (payload) => {
        if (this.log?.applyChat(payload as Parameters<ChatLog['applyChat']>[0])) this.changed();
      }),
      rpc.onEvent('exec.approval.requested', (payload) => {
        const { id, request } = payload as {
          id: string;
          request: { runId: string; sessionKey: string; toolName: string };
        };
        if (this.log?.applyApprovalRequest({ id, ...request })) this.changed();
      }),
      rpc.onEvent('exec.approval.resolved', (payload) => {
        const { id, decision } = payload as { id: string; decision: 'approve' | 'deny' };
        if (this.log?.applyApprovalDecision(id, decision)) this.requestUpdate();
      }),
      rpc.onConnected(() => void this.load(FIRST_PAGE)),
    ];
    if (rpc.connected) void this.load(FIRST_PAGE);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another session in the route: its own conversation.
    if (changed.has('ctx') && changed.get('ctx') && this.log?.sessionKey !== this.sessionKey) {
      this.log = undefined;
      if (this.ctx.rpc.connected) void this.load(FIRST_PAGE);
    }
  }

  /** Load the last `limit` messages; keeps the reader's place when older ones arrive. */
  private async load(limit: number): Promise<void> {
    const sessionKey = this.sessionKey;
    if (!sessionKey) return;
    const scroller = this.renderRoot.querySelector<HTMLElement>('.log');
    const fromBottom = scroller ? scroller.scrollHeight - scroller.scrollTop : 0;
    try {
      const history = await this.ctx.rpc.request<{ messages: unknown[] }>('chat.history', {
        sessionKey,
        limit,
      });
      if (sessionKey !== this.sessionKey) return;
      const log = new ChatLog(sessionKey);
      log.loadHistory(history.messages);
      this.historyLimit = limit;
      this.hasOlder = history.messages.length >= limit && limit < MAX_HISTORY;
      const older = this.log !== undefined && limit > FIRST_PAGE;
      await this.loadApprovals(log);
      this.log = log;
      await this.updateComplete;
      const view = this.renderRoot.querySelector<HTMLElement>('.log');
      if (view) view.scrollTop = older ? view.scrollHeight - fromBottom : view.scrollHeight;
    } catch (error) {
      this.ctx.notify(`Could not load the conversation: ${errorText(error)}`, 'error');
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Tool calls of this session still waiting for a decision (after a reload, say). */
  private async loadApprovals(log: ChatLog): Promise<void> {
    try {
      const { approvals } = await this.ctx.rpc.request<{
        approvals: { approvalId: string; runId: string; sessionKey: string; toolName: string }[];
      }>('exec.approval.list', {});
      for (const approval of approvals) {
        log.applyApprovalRequest({ id: approval.approvalId, ...approval });
      }
    } catch {
      // Approvals are an extra here (the Runs view has them too): the conversation still loads.
    }
  }

  private async decide(id: string, decision: 'allow-once' | 'deny'): Promise<void> {
    try {
      await this.ctx.rpc.request('exec.approval.resolve', { id, decision });
      if (this.log?.applyApprovalDecision(id, decision === 'deny' ? 'deny' : 'approve')) {
        this.requestUpdate();
      }
    } catch (error) {
      this.ctx.notify(`Could not decide: ${errorText(error)}`, 'error');
    }
  }

  /** Re-render after the log changed, following the newest message unless scrolled up. */
  private changed(): void {
    const follow = this.stickToBottom;
    this.requestUpdate();
    if (!follow) return;
    void this.updateComplete.then(() => {
      const view = this.renderRoot.querySelector<HTMLElement>('.log');
      if (view) view.scrollTop = view.scrollHeight;
    });
  }

  private onScroll(event: Event): void {
    const view = event.target as HTMLElement;
    this.stickToBottom = view.scrollHeight - view.scrollTop - view.clientHeight < 80;
    if (view.scrollTop < 40 && this.hasOlder && !this.loadingOlder && this.log) {
      this.loadingOlder = true;
      void this.load(Math.min(this.historyLimit + PAGE, MAX_HISTORY));
    }
  }

  private async send(): Promise<void> {
    const input = this.renderRoot.querySelector<HTMLTextAreaElement>('#message');
    const log = this.log;
    if (!input || !log) return;
    const text = input.value.trim();
    const attachments = this.attachments;
    if (!text && attachments.length === 0) return;
    input.value = '';
    this.attachments = [];
    // The gateway's run id is the idempotency key: events may arrive before the answer.
    const idempotencyKey = uuid();
    log.addUser(text, attachments);
    log.turn(idempotencyKey);
    log.activeRun = idempotencyKey;
    this.stickToBottom = true;
    this.changed();
    try {
      await this.ctx.rpc.request('chat.send', {
        sessionKey: log.sessionKey,
        message: text,
        idempotencyKey,
        ...(attachments.length > 0
          ? {
              attachments: attachments.map((image) => ({
                type: 'image',
                mimeType: image.mimeType,
                fileName: image.fileName,
                content: image.data,
              })),
            }
          : {}),
      });
    } catch (error) {
      log.turn(idempotencyKey).parts.push({
        kind: 'note',
        level: 'error',
        text: `Not sent: ${errorText(error)}`,
      });
      log.endRun(idempotencyKey);
      this.changed();
    }
  }

  private async abort(): Promise<void> {
    const log = this.log;
    if (!log?.activeRun) return;
    try {
      await this.ctx.rpc.request('chat.abort', {
        sessionKey: log.sessionKey,
        runId: log.activeRun,
      });
    } catch (error) {
      this.ctx.notify(`Abort failed: ${errorText(error)}`, 'error');
    }
  }

  private async attach(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    for (const file of files) {
      if (!file.type.startsWith('image/')) {
        this.ctx.notify(`${file.name}: only images can be attached`, 'error');
      } else if (file.size > MAX_IMAGE_BYTES) {
        this.ctx.notify(`${file.name}: larger than 5 MB`, 'error');
      } else {
        this.attachments = [...this.attachments, await readImage(file)];
      }
    }
  }

  private switchSession(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('session');
    const key = (input as HTMLInputElement).value.trim();
    if (key && key !== this.sessionKey) this.ctx.navigate('chat', key);
  }

  override render() {
    const log = this.log;
    return html`
      <form class="session" @submit=${(event: SubmitEvent) => this.switchSession(event)}>
        <label for="session-input">Session</label>
        <input
          id="session-input"
          name="session"
          .value=${this.sessionKey ?? ''}
          autocomplete="off"
          spellcheck="false"
        />
        <button type="submit">Open</button>
        <code id="session-label" hidden>${this.sessionKey ?? ''}</code>
      </form>
      <section
        class="log"
        role="log"
        aria-live="polite"
        aria-label="Conversation"
        @scroll=${(event: Event) => this.onScroll(event)}
      >
        ${this.loadingOlder ? html`<p class="muted older">Loading older messages…</p>` : nothing}
        ${
          !log
            ? html`<p class="empty">Loading…</p>`
            : log.entries.length === 0
              ? html`<p class="empty">No messages yet. Say hello.</p>`
              : log.entries.map((entry) => this.renderEntry(entry))
        }
      </section>
      <form
        class="composer"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          void this.send();
        }}
      >
        ${
          this.attachments.length > 0
            ? html`<ul class="pending">
                ${this.attachments.map(
                  (image, index) =>
                    html`<li>
                      <img
                        alt=${image.fileName}
                        src=${`data:${image.mimeType};base64,${image.data}`}
                      />
                      <button
                        type="button"
                        aria-label=${`Remove ${image.fileName}`}
                        @click=${() =>
                          (this.attachments = this.attachments.filter((_, at) => at !== index))}
                      >
                        ×
                      </button>
                    </li>`,
                )}
              </ul>`
            : nothing
        }
        <label for="message" class="visually-hidden">Message</label>
        <textarea
          id="message"
          rows="2"
          placeholder="Message ClawdBot (Enter to send, Shift+Enter for a new line)"
          ?disabled=${!log}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void this.send();
            }
          }}
        ></textarea>
        <div class="buttons">
          <label class="attach">
            <input
              id="attach"
              type="file"
              accept="image/*"
              multiple
              @change=${(event: Event) => void this.attach(event)}
            />
            <span>Attach</span>
          </label>
          <button type="submit" id="send" class="primary" ?disabled=${!log}>Send</button>
          <button
            type="button"
            id="abort"
            ?disabled=${!log?.activeRun}
            @click=${() => void this.abort()}
          >
            Abort
          </button>
        </div>
      </form>
    `;
  }

  private renderEntry(entry: LogEntry) {
    if (entry.kind === 'user') {
      return html`<article class="turn user">
        <h2 class="who">You</h2>
        ${entry.text ? html`<div class="bubble">${entry.text}</div>` : nothing}
        ${entry.images.map(
          (image) =>
            html`<img
              class="attachment"
              alt="attached image"
              src=${`data:${image.mimeType};base64,${image.data}`}
            />`,
        )}
      </article>`;
    }
    return html`<article class="turn assistant" aria-busy=${String(entry.busy)}>
      <h2 class="who">ClawdBot</h2>
      ${entry.parts.map((part) => this.renderPart(part))}
    </article>`;
  }

  private renderPart(part: TurnPart) {
    switch (part.kind) {
      case 'text':
        return html`<div class="bubble markdown">${renderMarkdown(part.text)}</div>`;
      case 'note':
        return html`<p class="note ${part.level}">${part.text}</p>`;
      case 'approval':
        return html`<div class="approval" data-state=${part.state}>
          <span><code>${part.toolName}</code> waits for your approval</span>
          ${
            part.state === 'pending'
              ? html`<button
                    class="primary"
                    @click=${() => void this.decide(part.id, 'allow-once')}
                  >
                    Allow
                  </button>
                  <button class="danger" @click=${() => void this.decide(part.id, 'deny')}>
                    Deny
                  </button>`
              : html`<strong>${part.state === 'approve' ? 'allowed' : 'denied'}</strong>`
          }
        </div>`;
      case 'tool':
        return html`<details class="tool ${part.state}">
          <summary>
            <span class="tool-name">${part.name}</span>
            <span class="tool-status">${part.state === 'running' ? 'running…' : part.state}</span>
          </summary>
          <pre class="tool-args">${preview(part.args)}</pre>
          ${
            part.result === undefined
              ? nothing
              : html`<pre class="tool-result">${preview(part.result)}</pre>`
          }
        </details>`;
    }
  }

  static override styles = [
    viewStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        padding: 0;
        height: 100%;
      }
      .session {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 8px 16px;
        border-bottom: 1px solid var(--cb-border);
        font-size: 0.9rem;
      }
      .session input {
        flex: 1;
        min-width: 0;
        font-family: ui-monospace, monospace;
      }
      .log {
        flex: 1;
        overflow-y: auto;
        padding: 12px 16px;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .turn {
        max-width: 820px;
        width: fit-content;
        min-width: 120px;
      }
      .turn.user {
        align-self: flex-end;
      }
      .who {
        font-size: 0.75rem;
        color: var(--cb-muted);
        margin: 0 0 4px;
      }
      .bubble {
        background: var(--cb-panel);
        border: 1px solid var(--cb-border);
        border-radius: 10px;
        padding: 8px 12px;
        white-space: pre-wrap;
        word-break: break-word;
        margin-bottom: 6px;
      }
      .turn.user .bubble {
        background: var(--cb-accent);
        color: var(--cb-accent-text);
        border-color: var(--cb-accent);
      }
      .markdown {
        white-space: normal;
      }
      .markdown > :first-child {
        margin-top: 0;
      }
      .markdown > :last-child {
        margin-bottom: 0;
      }
      .markdown p {
        margin: 0 0 8px;
      }
      .markdown code {
        background: var(--cb-code-bg);
        padding: 1px 4px;
        border-radius: 4px;
      }
      .markdown pre code {
        background: none;
        padding: 0;
      }
      .markdown blockquote {
        margin: 0 0 8px;
        padding-left: 10px;
        border-left: 3px solid var(--cb-border);
        color: var(--cb-muted);
      }
      .attachment {
        max-width: 240px;
        max-height: 240px;
        border-radius: 8px;
        display: block;
      }
      .tool {
        border: 1px solid var(--cb-border);
        border-radius: 8px;
        padding: 4px 10px;
        margin-bottom: 6px;
        background: var(--cb-panel);
        font-size: 0.9rem;
      }
      .tool summary {
        cursor: pointer;
        display: flex;
        gap: 8px;
      }
      .tool-name {
        font-family: ui-monospace, monospace;
        font-weight: 600;
      }
      .tool-status {
        color: var(--cb-muted);
      }
      .tool.failed .tool-status,
      .note.error {
        color: var(--cb-error);
      }
      .approval {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
        border: 1px solid var(--cb-accent);
        border-radius: 8px;
        padding: 6px 10px;
        margin-bottom: 6px;
        background: var(--cb-panel);
      }
      .note {
        margin: 4px 0;
        font-size: 0.9rem;
        color: var(--cb-muted);
      }
      .composer {
        border-top: 1px solid var(--cb-border);
        padding: 8px 16px;
        display: flex;
        gap: 8px;
        align-items: flex-end;
        flex-wrap: wrap;
        background: var(--cb-panel);
      }
      .composer textarea {
        flex: 1;
        min-width: 200px;
        resize: vertical;
      }
      .buttons {
        display: flex;
        gap: 6px;
      }
      .attach input {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
      }
      .attach span {
        display: inline-block;
        border: 1px solid var(--cb-border);
        border-radius: 6px;
        padding: 4px 10px;
        cursor: pointer;
      }
      .pending {
        flex-basis: 100%;
        display: flex;
        gap: 8px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .pending img {
        width: 56px;
        height: 56px;
        object-fit: cover;
        border-radius: 6px;
      }
      .visually-hidden {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
      }
      @media (max-width: 760px) {
        .log,
        .composer,
        .session {
          padding-left: 10px;
          padding-right: 10px;
        }
        .composer textarea {
          flex-basis: 100%;
        }
      }
    `,
  ];
}

customElements.define('cb-chat-view', ChatView);
