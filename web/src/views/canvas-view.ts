// Canvas: the gateway's own canvas viewer (/canvas-viewer, web/canvas-viewer.js) framed in
// a panel, so the Control UI is a canvas viewer for the canvas tool without a second
// implementation of its protocol: the framed page connects with the `canvas` cap, shows
// what the tool presents in its sandboxed frame and answers `canvas.command`s. This view
// only hands it the token and shows its connection state (same origin, so readable).
import { css, html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

/** Where the shell keeps the gateway secret (web/src/auth-store.ts). */
const CONTROL_TOKEN_KEY = 'clawdbot.control.token';

/** `cb-canvas-view`. */
export class CanvasView extends GatewayView {
  static override properties = {
    viewerState: { state: true },
    target: { state: true },
    src: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: calc(100vh - 120px);
      }
      iframe {
        flex: 1;
        width: 100%;
        min-height: 420px;
        border: 1px solid var(--cb-border);
        border-radius: 6px;
        background: var(--cb-panel);
      }
    `,
  ];

  /** The framed viewer's `data-state`: connecting, online, offline or error. */
  declare viewerState: string;
  /** What the viewer shows ('' for nothing). */
  declare target: string;
  declare src: string | undefined;

  // The viewer page has no events for its parent: read its state a few times a second.
  protected override pollMs = 500;

  constructor() {
    super();
    this.viewerState = 'connecting';
    this.target = '';
    this.src = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#frameViewer();
  }

  /** Point the frame at the viewer, handing it the token the way its own page takes it. */
  #frameViewer(): void {
    const secret = localStorage.getItem(CONTROL_TOKEN_KEY);
    // A fresh query each time makes the frame load again (a reconnect after a failed auth).
    const query = new URLSearchParams({ t: String(Date.now()) });
    if (secret) query.set('token', secret);
    this.src = `/canvas-viewer?${query.toString()}`;
  }

  protected override load(_rpc: GatewayRpc): Promise<void> {
    const frame = this.renderRoot.querySelector('iframe');
    const body = frame?.contentDocument?.body;
    if (body) {
      this.viewerState = body.dataset.state ?? 'connecting';
      this.target = body.dataset.target ?? '';
    }
    return Promise.resolve();
  }

  override render() {
    const online = this.viewerState === 'online';
    return html`
      <div class="toolbar">
        <h2>Canvas</h2>
        <span
          class="badge viewer-state ${online ? 'ok' : this.viewerState === 'error' ? 'bad' : 'warn'}"
          data-state=${this.viewerState}
          >${online ? 'viewer connected' : this.viewerState}</span
        >
        ${
          this.target
            ? html`<span class="muted wrap"
                >showing <code class="target">${this.target}</code></span
              >`
            : online
              ? html`<span class="muted">nothing presented yet</span>`
              : nothing
        }
        <span class="spacer"></span>
        <button @click=${() => this.#frameViewer()}>Reconnect</button>
        <a href="/canvas-viewer" target="_blank" rel="noopener">Open in its own tab</a>
      </div>
      <p class="muted">While this panel is open, the agent's canvas tool shows its pages here.</p>
      ${this.src ? html`<iframe title="Canvas viewer" src=${this.src}></iframe>` : nothing}
    `;
  }
}

customElements.define('cb-canvas-view', CanvasView);
