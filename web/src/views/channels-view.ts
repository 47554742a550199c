// Channels: each channel account's live status (channels.status) and the direct-message
// pairing requests waiting for the owner (pairing.list), each with Approve (pairing.approve).
import { css, html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { localTime, relativeTime } from '../lib/format.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

/** One account as channels.status reports it. */
interface AccountStatus {
  channel: string;
  accountId: string;
  configured: boolean;
  enabled: boolean;
  running: boolean;
  connected: boolean;
  botName?: string;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  lastError?: string;
  lastErrorAt?: number;
}

/** One pending request as pairing.list reports it. */
interface PairingRequest {
  channel: string;
  senderId: string;
  code: string;
  createdAt: string;
  meta?: Record<string, string>;
}

function stateOf(account: AccountStatus): { label: string; tone: string } {
  if (!account.enabled) return { label: 'disabled', tone: '' };
  if (!account.configured) return { label: 'not configured', tone: 'warn' };
  if (account.connected) return { label: 'connected', tone: 'ok' };
  if (account.running) return { label: 'connecting', tone: 'warn' };
  return { label: 'stopped', tone: 'bad' };
}

function when(ms: number | undefined) {
  return ms === undefined
    ? html`<span class="muted">never</span>`
    : html`<span title=${localTime(ms)}>${relativeTime(ms)}</span>`;
}

/** `cb-channels-view`. */
export class ChannelsView extends GatewayView {
  static override properties = {
    accounts: { state: true },
    requests: { state: true },
    pairingError: { state: true },
    approving: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      .meta {
        font-size: 12px;
      }
    `,
  ];

  declare accounts: AccountStatus[];
  declare requests: PairingRequest[];
  declare pairingError: string | undefined;
  /** `channel:code` of approvals in flight. */
  declare approving: ReadonlySet<string>;

  // Neither status changes nor new pairing requests arrive as events.
  protected override pollMs = 5000;

  constructor() {
    super();
    this.accounts = [];
    this.requests = [];
    this.pairingError = undefined;
    this.approving = new Set();
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    const [status, pairing] = await Promise.allSettled([
      rpc.request<{ accounts: AccountStatus[] }>('channels.status', {}),
      rpc.request<{ requests: PairingRequest[] }>('pairing.list', {}),
    ]);
    if (status.status === 'rejected') throw status.reason;
    this.accounts = status.value.accounts;
    // Pairing may fail on its own (e.g. an unreadable store): status is still worth showing.
    if (pairing.status === 'fulfilled') {
      this.requests = pairing.value.requests;
      this.pairingError = undefined;
    } else {
      this.pairingError = String((pairing.reason as Error)?.message ?? pairing.reason);
    }
  }

  async #approve(request: PairingRequest): Promise<void> {
    const key = `${request.channel}:${request.code}`;
    this.approving = new Set([...this.approving, key]);
    const ok = await this.act(
      `Approving ${request.channel} sender ${request.senderId}`,
      async () => {
        const result = await this.ctx!.rpc.request<{ notified: boolean; notifyError?: string }>(
          'pairing.approve',
          { channel: request.channel, code: request.code },
        );
        this.ctx!.notify(
          result.notified
            ? `Approved ${request.channel} sender ${request.senderId}; they were told.`
            : `Approved ${request.channel} sender ${request.senderId}; the notice failed: ${result.notifyError ?? 'unknown'}`,
          result.notified ? 'info' : 'error',
        );
      },
    );
    const rest = new Set(this.approving);
    rest.delete(key);
    this.approving = rest;
    if (ok) await this.refresh();
  }

  override render() {
    return html`
      <div class="toolbar">
        <h2>Channels</h2>
        <span class="spacer"></span>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Refresh</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${this.loaded ? this.#renderAccounts() : nothing}
      ${this.loaded ? this.#renderPairing() : nothing}
    `;
  }

  #renderAccounts() {
    if (this.accounts.length === 0)
      return html`<div class="empty">No channel accounts are configured.</div>`;
    return html`
      <table class="cards accounts">
        <thead>
          <tr>
            <th>Channel</th>
            <th>Account</th>
            <th>Status</th>
            <th>Last in</th>
            <th>Last out</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          ${this.accounts.map((account) => {
            const state = stateOf(account);
            return html`<tr
              data-channel=${account.channel}
              data-account=${account.accountId}
              data-state=${state.label}
            >
              <td data-label="Channel"><strong>${account.channel}</strong></td>
              <td data-label="Account">
                ${account.accountId}
                ${account.botName ? html`<div class="muted">${account.botName}</div>` : nothing}
              </td>
              <td data-label="Status"><span class="badge ${state.tone}">${state.label}</span></td>
              <td data-label="Last in">${when(account.lastInboundAt)}</td>
              <td data-label="Last out">${when(account.lastOutboundAt)}</td>
              <td data-label="Last error" class="wrap">
                ${
                  account.lastError
                    ? html`<span class="error-text last-error">${account.lastError}</span> ${
                          account.lastErrorAt !== undefined
                            ? html`<div class="muted">${when(account.lastErrorAt)}</div>`
                            : nothing
                        }`
                    : html`<span class="muted">none</span>`
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    `;
  }

  #renderPairing() {
    return html`
      <h3>Pairing requests</h3>
      ${
        this.pairingError
          ? html`<div class="load-error" role="alert">${this.pairingError}</div>`
          : nothing
      }
      ${
        this.requests.length === 0
          ? html`<div class="empty pairing-empty">No one is waiting to be approved.</div>`
          : html`<table class="cards pairing">
              <thead>
                <tr>
                  <th>Channel</th>
                  <th>Sender</th>
                  <th>Code</th>
                  <th>Asked</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${this.requests.map(
                  (request) =>
                    html`<tr data-code=${request.code} data-channel=${request.channel}>
                      <td data-label="Channel">${request.channel}</td>
                      <td data-label="Sender" class="wrap">
                        ${request.senderId}
                        ${
                          request.meta
                            ? html`<div class="muted meta">
                                ${Object.entries(request.meta)
                                  .map(([key, value]) => `${key}: ${value}`)
                                  .join(', ')}
                              </div>`
                            : nothing
                        }
                      </td>
                      <td data-label="Code"><code>${request.code}</code></td>
                      <td data-label="Asked">${when(Date.parse(request.createdAt))}</td>
                      <td>
                        <button
                          class="primary"
                          ?disabled=${this.approving.has(`${request.channel}:${request.code}`)}
                          @click=${() => void this.#approve(request)}
                        >
                          Approve
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }
}

customElements.define('cb-channels-view', ChannelsView);
