// Logs: a live tail of the gateway's and workers' log lines (logs.tail). The first request
// reads the newest lines; each later one passes the cursor it got and reads only what was
// written since. Level and session filters are the method's own (`level`, `search`), so a
// change of filter starts the tail again.
import { css, html, nothing, type PropertyValues } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

/** One line as logs.tail returns it. */
interface LogLine {
  ts: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  name: string;
  message: string;
  fields?: Record<string, unknown>;
  process: string;
}

/** Lines kept on screen; older ones scroll away. */
const KEEP = 2000;

function clock(ms: number): string {
  const date = new Date(ms);
  return `${date.toLocaleTimeString('en-GB', { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** `cb-logs-view`. */
export class LogsView extends GatewayView {
  static override properties = {
    lines: { state: true },
    level: { state: true },
    session: { state: true },
    paused: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      .log {
        height: calc(100vh - 220px);
        min-height: 240px;
        overflow: auto;
        background: #11151c;
        color: #d8dee9;
        border-radius: 6px;
        padding: 8px;
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 12px;
        line-height: 1.5;
      }
      .line {
        overflow-wrap: anywhere;
      }
      /* Only the message keeps its own line breaks; the markup's whitespace collapses. */
      .msg {
        white-space: pre-wrap;
      }
      .ts,
      .proc {
        color: #7b8494;
      }
      .lvl {
        display: inline-block;
        width: 3.5em;
        font-weight: 600;
      }
      .lvl.debug {
        color: #7b8494;
      }
      .lvl.info {
        color: #8fbcbb;
      }
      .lvl.warn {
        color: #ebcb8b;
      }
      .lvl.error {
        color: #ff8a80;
      }
      .fields {
        color: #a3adbf;
      }
      #session {
        width: 16em;
      }
    `,
  ];

  declare lines: LogLine[];
  declare level: LogLine['level'];
  /** Text a line must mention: a session key (or a run id). */
  declare session: string;
  declare paused: boolean;

  protected override pollMs = 1000;
  #cursor: string | undefined;
  /** Filters the cursor was read with: a change of filter restarts the tail. */
  #readWith = '';
  #stickToBottom = true;

  constructor() {
    super();
    this.lines = [];
    this.level = 'info';
    this.session = '';
    this.paused = false;
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    if (this.paused) return;
    const filters = JSON.stringify([this.level, this.session.trim()]);
    const restart = filters !== this.#readWith;
    const answer = await rpc.request<{ cursor: string; lines: LogLine[] }>('logs.tail', {
      ...(restart || this.#cursor === undefined ? { limit: 500 } : { cursor: this.#cursor }),
      level: this.level,
      ...(this.session.trim() ? { search: this.session.trim() } : {}),
    });
    this.#cursor = answer.cursor;
    this.#readWith = filters;
    const lines = restart ? answer.lines : [...this.lines, ...answer.lines];
    if (restart || answer.lines.length > 0) this.lines = lines.slice(-KEEP);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A route like #/logs/<sessionKey> opens the tail on that session.
    if (changed.has('ctx') && this.ctx?.params[0] && this.session === '')
      this.session = this.ctx.params[0];
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('lines') && this.#stickToBottom) {
      const box = this.renderRoot.querySelector('.log');
      if (box) box.scrollTop = box.scrollHeight;
    }
  }

  #onScroll(event: Event): void {
    const box = event.target as HTMLElement;
    this.#stickToBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  }

  #filterChanged(): void {
    void this.refresh();
  }

  override render() {
    return html`
      <div class="toolbar">
        <h2>Logs</h2>
        <span class="spacer"></span>
        <label
          >Level
          <select
            id="level"
            .value=${this.level}
            @change=${(event: Event) => {
              this.level = (event.target as HTMLSelectElement).value as LogLine['level'];
              this.#filterChanged();
            }}
          >
            <option value="debug">debug</option>
            <option value="info">info</option>
            <option value="warn">warn</option>
            <option value="error">error</option>
          </select></label
        >
        <input
          id="session"
          type="search"
          placeholder="Session key or text"
          aria-label="Session"
          .value=${this.session}
          @change=${(event: Event) => {
            this.session = (event.target as HTMLInputElement).value;
            this.#filterChanged();
          }}
        />
        <button
          class="pause"
          @click=${() => {
            this.paused = !this.paused;
            if (!this.paused) void this.refresh();
          }}
        >
          ${this.paused ? 'Resume' : 'Pause'}
        </button>
        <button @click=${() => (this.lines = [])}>Clear</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      <div
        class="log"
        role="log"
        aria-live="off"
        @scroll=${(event: Event) => this.#onScroll(event)}
      >
        ${
          this.loaded && this.lines.length === 0
            ? html`<div class="muted">No log lines${this.session ? ' match' : ' yet'}.</div>`
            : nothing
        }
        ${this.lines.map(
          (line) =>
            html`<div class="line" data-level=${line.level}>
              <span class="ts" title=${new Date(line.ts).toISOString()}>${clock(line.ts)}</span>
              <span class="lvl ${line.level}">${line.level}</span>
              <span class="proc">${line.process} ${line.name}</span>
              <span class="msg">${line.message}</span>
              ${
                line.fields && Object.keys(line.fields).length > 0
                  ? html`<span class="fields">${JSON.stringify(line.fields)}</span>`
                  : nothing
              }
            </div>`,
        )}
      </div>
    `;
  }
}

customElements.define('cb-logs-view', LogsView);
