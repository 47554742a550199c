// Sessions: every session with its channel, last activity, token counts and host; open one
// in Chat, read its transcript (#/sessions/<key>), rename (label), reset or delete it.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { textOf } from '../chat-log.js';
import type { ControlContext } from '../contract.js';
import { errorText, formatAge, formatTime, viewStyles } from '../view-styles.js';

const TRANSCRIPT_LIMIT = 200;

/** A row of `sessions.list`. */
interface SessionRow {
  key: string;
  label?: string;
  channel?: string;
  updatedAt: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  messageCount?: number;
  host?: string;
}

interface TranscriptMessage {
  role?: string;
  content?: { type?: string; name?: string; text?: string }[] | string;
  toolName?: string;
  isError?: boolean;
}

/** `<cb-sessions-view>` */
export class SessionsView extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    sessions: { state: true },
    defaultModel: { state: true },
    transcript: { state: true },
    editing: { state: true },
  };

  declare ctx: ControlContext;
  declare sessions: SessionRow[] | undefined;
  declare defaultModel: string | undefined;
  declare transcript: { key: string; messages: TranscriptMessage[] } | undefined;
  declare editing: string | undefined;

  private unsubscribe: (() => void)[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    const rpc = this.ctx.rpc;
    this.unsubscribe = [
      rpc.onConnected(() => void this.reload()),
      // A finished turn changes its session's activity and tokens.
      rpc.onEvent('chat', (payload) => {
        if ((payload as { state?: string }).state !== 'delta') void this.reload();
      }),
    ];
    if (rpc.connected) void this.reload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Only a route change: the first load comes with the list (connectedCallback).
    if (changed.has('ctx') && changed.get('ctx') && this.ctx.rpc.connected) {
      void this.loadTranscript();
    }
  }

  private async reload(): Promise<void> {
    try {
      const result = await this.ctx.rpc.request<{
        sessions: SessionRow[];
        defaults?: { model?: string };
      }>('sessions.list', {});
      this.sessions = result.sessions;
      this.defaultModel = result.defaults?.model;
      await this.loadTranscript();
    } catch (error) {
      this.ctx.notify(`Could not list the sessions: ${errorText(error)}`, 'error');
    }
  }

  private async loadTranscript(): Promise<void> {
    const key = this.ctx.params[0];
    if (!key) {
      this.transcript = undefined;
      return;
    }
    try {
      const history = await this.ctx.rpc.request<{ messages: TranscriptMessage[] }>(
        'chat.history',
        { sessionKey: key, limit: TRANSCRIPT_LIMIT },
      );
      this.transcript = { key, messages: history.messages };
    } catch (error) {
      this.ctx.notify(`Could not read the transcript: ${errorText(error)}`, 'error');
    }
  }

  private async act(
    what: string,
    method: string,
    params: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.ctx.rpc.request(method, params);
      this.ctx.notify(what);
      await this.reload();
      return true;
    } catch (error) {
      this.ctx.notify(`${method} failed: ${errorText(error)}`, 'error');
      return false;
    }
  }

  private async saveLabel(event: SubmitEvent, key: string): Promise<void> {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('label');
    const label = (input as HTMLInputElement).value.trim();
    const saved = await this.act(
      label ? `Renamed ${key}` : `Cleared the label of ${key}`,
      'sessions.patch',
      {
        key,
        label: label || null,
      },
    );
    if (saved) this.editing = undefined;
  }

  private async reset(key: string): Promise<void> {
    if (!confirm(`Start ${key} over? The old transcript stays on disk.`)) return;
    await this.act(`Reset ${key}`, 'sessions.reset', { key, reason: 'reset' });
  }

  private async deleteSession(key: string): Promise<void> {
    if (!confirm(`Delete ${key}? Its transcript is archived.`)) return;
    if (await this.act(`Deleted ${key}`, 'sessions.delete', { key })) {
      if (this.ctx.params[0] === key) this.ctx.navigate('sessions');
    }
  }

  override render() {
    const sessions = this.sessions;
    return html`
      <h2>Sessions</h2>
      ${
        this.defaultModel
          ? html`<p class="muted">Model: <code>${this.defaultModel}</code></p>`
          : nothing
      }
      ${
        sessions === undefined
          ? html`<p class="empty">Loading…</p>`
          : sessions.length === 0
            ? html`<p class="empty">No sessions yet.</p>`
            : html`<table class="cards sessions">
                <thead>
                  <tr>
                    <th>Session</th>
                    <th>Channel</th>
                    <th>Last activity</th>
                    <th>Tokens (in / out / total)</th>
                    <th>Host</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${sessions.map((session) => this.renderRow(session))}
                </tbody>
              </table>`
      }
      ${this.transcript ? this.renderTranscript(this.transcript) : nothing}
    `;
  }

  private renderRow(session: SessionRow) {
    const editing = this.editing === session.key;
    return html`<tr data-key=${session.key}>
      <td data-label="Session">
        ${
          editing
            ? html`<form
                class="label-form"
                @submit=${(event: SubmitEvent) => void this.saveLabel(event, session.key)}
              >
                <input name="label" aria-label="Label" .value=${session.label ?? ''} />
                <button type="submit" class="primary">Save</button>
                <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
              </form>`
            : session.label
              ? html`<strong class="label">${session.label}</strong><br />`
              : nothing
        }
        <code class="key">${session.key}</code>
      </td>
      <td data-label="Channel" class="channel">${session.channel ?? '—'}</td>
      <td data-label="Last activity" title=${formatTime(session.updatedAt)}>
        ${formatAge(session.updatedAt)}
      </td>
      <td data-label="Tokens" class="tokens">
        ${session.inputTokens} / ${session.outputTokens} / ${session.totalTokens}
      </td>
      <td data-label="Host" class="host">${session.host ?? 'local'}</td>
      <td class="actions">
        <button @click=${() => this.ctx.navigate('chat', session.key)}>Chat</button>
        <button @click=${() => this.ctx.navigate('sessions', session.key)}>Transcript</button>
        <button @click=${() => (this.editing = session.key)}>Rename</button>
        <button @click=${() => void this.reset(session.key)}>Reset</button>
        <button class="danger" @click=${() => void this.deleteSession(session.key)}>Delete</button>
      </td>
    </tr>`;
  }

  private renderTranscript(transcript: { key: string; messages: TranscriptMessage[] }) {
    return html`<section class="transcript" aria-label="Transcript">
      <h3>
        Transcript of <code>${transcript.key}</code>
        <button @click=${() => this.ctx.navigate('sessions')}>Close</button>
      </h3>
      ${
        transcript.messages.length === 0
          ? html`<p class="empty">No messages.</p>`
          : html`<ol>
              ${transcript.messages.map((message) => {
                const tools = Array.isArray(message.content)
                  ? message.content.filter((block) => block.type === 'toolCall')
                  : [];
                return html`<li class="message ${message.role ?? ''}">
                  <span class="role">${message.role ?? '?'}</span>
                  <span class="text">${textOf(message)}</span>
                  ${tools.map((tool) => html`<code class="tool">${tool.name}(…)</code>`)}
                </li>`;
              })}
            </ol>`
      }
    </section>`;
  }

  static override styles = [
    viewStyles,
    css`
      .label-form {
        display: flex;
        gap: 4px;
        margin-bottom: 4px;
      }
      .key {
        word-break: break-all;
      }
      .transcript ol {
        list-style: none;
        padding: 0;
        margin: 0;
        background: var(--cb-panel);
        border: 1px solid var(--cb-border);
        border-radius: 8px;
      }
      .transcript li {
        padding: 6px 10px;
        border-bottom: 1px solid var(--cb-border);
        white-space: pre-wrap;
        word-break: break-word;
      }
      .role {
        display: inline-block;
        min-width: 80px;
        color: var(--cb-muted);
        font-size: 0.8rem;
      }
      .tool {
        margin-left: 6px;
      }
    `,
  ];
}

customElements.define('cb-sessions-view', SessionsView);
