// Runs: tool calls waiting for a person's approval (Allow / Deny), then the turns running
// now and the recent ones, each linked to its workflow in the Temporal UI.
import { LitElement, css, html, nothing } from 'lit';
import type { ControlContext } from '../contract.js';
import { errorText, formatAge, formatTime, viewStyles } from '../view-styles.js';

// Temporal's visibility store lags a workflow by a moment, and turns end without an event
// for this view to hear in every case: a slow poll keeps the list honest while it is shown.
const POLL_MS = 5000;
const EVENT_RELOAD_MS = 300;

/** A turn as `runs.list` reports it. */
interface RunRow {
  runId: string;
  sessionKey: string;
  state: string;
  channel?: string;
  startedAt: number;
  closedAt?: number;
  workflowId: string;
  temporalUrl: string;
}

/** A pending approval as `exec.approval.list` reports it. */
interface ApprovalRow {
  approvalId: string;
  sessionKey: string;
  runId: string;
  toolName: string;
  args: Record<string, unknown>;
  requestedAt: number;
  expiresAt: number;
}

function duration(run: RunRow, now: number): string {
  const seconds = ((run.closedAt ?? now) - run.startedAt) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds / 60)} min`;
}

/** `<cb-runs-view>` */
export class RunsView extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    runs: { state: true },
    approvals: { state: true },
    temporalUiUrl: { state: true },
    deciding: { state: true },
  };

  declare ctx: ControlContext;
  declare runs: RunRow[] | undefined;
  declare approvals: ApprovalRow[] | undefined;
  declare temporalUiUrl: string | undefined;
  declare deciding: Set<string>;

  private unsubscribe: (() => void)[] = [];
  private poll: ReturnType<typeof setInterval> | undefined;
  private pendingReload: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.deciding = new Set();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const rpc = this.ctx.rpc;
    const soon = () => {
      clearTimeout(this.pendingReload);
      this.pendingReload = setTimeout(() => void this.reload(), EVENT_RELOAD_MS);
    };
    this.unsubscribe = [
      rpc.onConnected(() => void this.reload()),
      rpc.onEvent('exec.approval.requested', soon),
      rpc.onEvent('exec.approval.resolved', soon),
      rpc.onEvent('chat', (payload) => {
        if ((payload as { state?: string }).state !== 'delta') soon();
      }),
      rpc.onEvent('agent', (payload) => {
        if ((payload as { stream?: string }).stream === 'lifecycle') soon();
      }),
    ];
    this.poll = setInterval(() => {
      if (rpc.connected) void this.reload();
    }, POLL_MS);
    if (rpc.connected) void this.reload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
    clearInterval(this.poll);
    clearTimeout(this.pendingReload);
  }

  private async reload(): Promise<void> {
    const rpc = this.ctx.rpc;
    const [runs, approvals] = await Promise.allSettled([
      rpc.request<{ runs: RunRow[]; temporalUiUrl: string }>('runs.list', { limit: 50 }),
      rpc.request<{ approvals: ApprovalRow[] }>('exec.approval.list', {}),
    ]);
    if (runs.status === 'fulfilled') {
      this.runs = runs.value.runs;
      this.temporalUiUrl = runs.value.temporalUiUrl;
    } else if (this.runs === undefined) {
      this.ctx.notify(`Could not list the runs: ${errorText(runs.reason)}`, 'error');
      this.runs = [];
    }
    if (approvals.status === 'fulfilled') this.approvals = approvals.value.approvals;
    else if (this.approvals === undefined) {
      this.ctx.notify(`Could not list the approvals: ${errorText(approvals.reason)}`, 'error');
      this.approvals = [];
    }
  }

  private async decide(approval: ApprovalRow, decision: 'allow-once' | 'deny'): Promise<void> {
    this.deciding = new Set([...this.deciding, approval.approvalId]);
    try {
      await this.ctx.rpc.request('exec.approval.resolve', { id: approval.approvalId, decision });
      this.ctx.notify(`${decision === 'deny' ? 'Denied' : 'Allowed'} ${approval.toolName}`);
      this.approvals = this.approvals?.filter((one) => one.approvalId !== approval.approvalId);
    } catch (error) {
      this.ctx.notify(`Could not decide: ${errorText(error)}`, 'error');
    } finally {
      this.deciding = new Set([...this.deciding].filter((id) => id !== approval.approvalId));
      void this.reload();
    }
  }

  override render() {
    const now = Date.now();
    return html`
      <h2>Pending approvals</h2>
      ${
        this.approvals === undefined
          ? html`<p class="empty">Loading…</p>`
          : this.approvals.length === 0
            ? html`<p class="empty" id="no-approvals">No tool call is waiting for approval.</p>`
            : html`<ul class="approvals">
                ${this.approvals.map((approval) => this.renderApproval(approval, now))}
              </ul>`
      }
      <h2 class="runs-title">Runs</h2>
      ${
        this.temporalUiUrl
          ? html`<p class="muted">
              Each run is a workflow in the
              <a href=${this.temporalUiUrl} target="_blank" rel="noopener noreferrer">Temporal UI</a
              >.
            </p>`
          : nothing
      }
      ${
        this.runs === undefined
          ? html`<p class="empty">Loading…</p>`
          : this.runs.length === 0
            ? html`<p class="empty">No runs yet.</p>`
            : html`<table class="cards runs">
                <thead>
                  <tr>
                    <th>State</th>
                    <th>Session</th>
                    <th>Channel</th>
                    <th>Started</th>
                    <th>Duration</th>
                    <th>Workflow</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.runs.map((run) => this.renderRun(run, now))}
                </tbody>
              </table>`
      }
    `;
  }

  private renderApproval(approval: ApprovalRow, now: number) {
    const busy = this.deciding.has(approval.approvalId);
    return html`<li class="approval" data-approval=${approval.approvalId}>
      <div class="what">
        <strong class="tool">${approval.toolName}</strong>
        in <a href=${`#/chat/${encodeURIComponent(approval.sessionKey)}`}>${approval.sessionKey}</a>
        <span class="muted">
          · asked ${formatAge(approval.requestedAt, now)} · expires
          ${formatTime(approval.expiresAt)}</span
        >
      </div>
      <pre class="args">${JSON.stringify(approval.args, null, 2)}</pre>
      <div class="actions">
        <button
          class="primary"
          ?disabled=${busy}
          @click=${() => void this.decide(approval, 'allow-once')}
        >
          Allow
        </button>
        <button class="danger" ?disabled=${busy} @click=${() => void this.decide(approval, 'deny')}>
          Deny
        </button>
      </div>
    </li>`;
  }

  private renderRun(run: RunRow, now: number) {
    return html`<tr data-run=${run.runId} data-state=${run.state}>
      <td data-label="State"><span class="state ${run.state}">${run.state}</span></td>
      <td data-label="Session">
        <a href=${`#/chat/${encodeURIComponent(run.sessionKey)}`}>${run.sessionKey}</a>
      </td>
      <td data-label="Channel">${run.channel ?? '—'}</td>
      <td data-label="Started" title=${formatTime(run.startedAt)}>
        ${formatAge(run.startedAt, now)}
      </td>
      <td data-label="Duration">${duration(run, now)}</td>
      <td data-label="Workflow">
        <a class="temporal" href=${run.temporalUrl} target="_blank" rel="noopener noreferrer"
          >${run.workflowId}</a
        >
      </td>
    </tr>`;
  }

  static override styles = [
    viewStyles,
    css`
      .runs-title {
        margin-top: 24px;
      }
      .approvals {
        list-style: none;
        padding: 0;
        margin: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .approval {
        background: var(--cb-panel);
        border: 1px solid var(--cb-accent);
        border-radius: 8px;
        padding: 10px;
      }
      .args {
        margin: 8px 0;
        max-height: 200px;
      }
      .state {
        font-weight: 600;
      }
      .state.running,
      .state.awaiting-approval {
        color: var(--cb-accent);
      }
      .state.ok {
        color: var(--cb-ok);
      }
      .state.error,
      .state.failed,
      .state.terminated,
      .state.timed-out {
        color: var(--cb-error);
      }
      .temporal {
        word-break: break-all;
        font-family: ui-monospace, monospace;
        font-size: 0.85em;
      }
    `,
  ];
}

customElements.define('cb-runs-view', RunsView);
