// Nodes: the machines paired with the gateway and connected now (node.list), the ones
// asking to be paired (node.pair.list) with Approve / Reject, and Revoke for a paired one.
import { html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { localTime, relativeTime } from '../lib/format.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

/** One node as node.list reports it. */
interface NodeRow {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  connectedAtMs?: number;
  lastConnectedAtMs?: number;
  paired: boolean;
  connected: boolean;
}

/** A pending pair request. */
interface PendingRow {
  requestId: string;
  nodeId: string;
  displayName?: string;
  platform?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  ts: number;
}

/** `cb-nodes-view`. */
export class NodesView extends GatewayView {
  static override properties = { nodes: { state: true }, pending: { state: true } };
  static override styles = [viewStyles];

  declare nodes: NodeRow[];
  declare pending: PendingRow[];

  // Connections come and go without an event for operators.
  protected override pollMs = 5000;

  constructor() {
    super();
    this.nodes = [];
    this.pending = [];
  }

  protected override events() {
    const reload = () => void this.refresh();
    return { 'node.pair.requested': reload, 'node.pair.resolved': reload };
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    const [list, pairing] = await Promise.all([
      rpc.request<{ nodes: NodeRow[] }>('node.list', {}),
      rpc.request<{ pending: PendingRow[] }>('node.pair.list', {}),
    ]);
    this.nodes = list.nodes;
    this.pending = pairing.pending;
  }

  async #decide(method: string, params: Record<string, string>, done: string): Promise<void> {
    if (await this.act(done, () => this.ctx!.rpc.request(method, params))) {
      this.ctx!.notify(done);
      await this.refresh();
    }
  }

  override render() {
    return html`
      <div class="toolbar">
        <h2>Nodes</h2>
        <span class="spacer"></span>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Refresh</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${this.loaded ? this.#renderPending() : nothing}
      ${this.loaded ? this.#renderNodes() : nothing}
    `;
  }

  #renderPending() {
    if (this.pending.length === 0) return nothing;
    return html`<h3>Asking to pair</h3>
      <table class="cards pending">
        <thead>
          <tr>
            <th>Node</th>
            <th>From</th>
            <th>Asked</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${this.pending.map(
            (request) =>
              html`<tr data-request=${request.requestId}>
                <td data-label="Node" class="wrap">
                  <strong>${request.displayName ?? request.nodeId}</strong>
                  <div class="muted mono">${request.nodeId}</div>
                  <div class="muted">${request.platform ?? ''}</div>
                </td>
                <td data-label="From">${request.remoteIp ?? ''}</td>
                <td data-label="Asked">
                  <span title=${localTime(request.ts)}>${relativeTime(request.ts)}</span>
                </td>
                <td>
                  <button
                    class="primary"
                    @click=${() =>
                      void this.#decide(
                        'node.pair.approve',
                        { requestId: request.requestId },
                        `Paired ${request.displayName ?? request.nodeId}.`,
                      )}
                  >
                    Approve
                  </button>
                  <button
                    class="danger"
                    @click=${() =>
                      void this.#decide(
                        'node.pair.reject',
                        { requestId: request.requestId },
                        `Rejected ${request.displayName ?? request.nodeId}.`,
                      )}
                  >
                    Reject
                  </button>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  #renderNodes() {
    return html`<h3>Nodes</h3>
      ${
        this.nodes.length === 0
          ? html`<div class="empty">
              No node is paired. Run <code>clawdbot node run</code> on a machine to add one.
            </div>`
          : html`<table class="cards nodes">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Status</th>
                  <th>Capabilities</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${this.nodes.map(
                  (node) =>
                    html`<tr data-node=${node.nodeId}>
                      <td data-label="Node" class="wrap">
                        <strong>${node.displayName ?? node.nodeId}</strong>
                        <div class="muted mono">${node.nodeId}</div>
                        <div class="muted">
                          ${[node.platform, node.version, node.remoteIp].filter(Boolean).join(' · ')}
                        </div>
                      </td>
                      <td data-label="Status">
                        <span class="badge ${node.connected ? 'ok' : ''}"
                          >${node.connected ? 'connected' : 'offline'}</span
                        >
                        ${!node.paired ? html`<span class="badge warn">not paired</span>` : nothing}
                        ${
                          !node.connected && node.lastConnectedAtMs !== undefined
                            ? html`<div class="muted">
                                last seen ${relativeTime(node.lastConnectedAtMs)}
                              </div>`
                            : nothing
                        }
                      </td>
                      <td data-label="Capabilities" class="wrap">
                        ${node.caps.join(', ')}
                        ${
                          node.commands.length > 0
                            ? html`<div class="muted mono">${node.commands.join(', ')}</div>`
                            : nothing
                        }
                      </td>
                      <td>
                        ${
                          node.paired
                            ? html`<button
                                class="danger"
                                @click=${() => {
                                  if (confirm(`Revoke ${node.displayName ?? node.nodeId}?`))
                                    void this.#decide(
                                      'node.pair.revoke',
                                      { nodeId: node.nodeId },
                                      `Revoked ${node.displayName ?? node.nodeId}.`,
                                    );
                                }}
                              >
                                Revoke
                              </button>`
                            : nothing
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`;
  }
}

customElements.define('cb-nodes-view', NodesView);
