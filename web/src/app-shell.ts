// The Control UI's shell: navigation, hash routing, the connection status, the token or
// password form, and notices. It owns the one gateway connection and hands each view a
// ControlContext; the views come from the registry in ./views/index.ts.
import { LitElement, css, html, nothing } from 'lit';
import { createAuthStore, type AuthStore } from './auth-store.js';
import { VIEWS, type ControlContext, type ViewId } from './contract.js';
import { GatewayClient, type ConnectionStatus } from './gateway-client.js';
import { parseRoute, routeHash, type Route } from './routes.js';

const NOTICE_MS = 6000;

interface Notice {
  id: number;
  message: string;
  kind: 'info' | 'error';
}

/** `<cb-app>`: the whole page. */
export class AppShell extends LitElement {
  static override properties = {
    route: { state: true },
    status: { state: true },
    navOpen: { state: true },
    authOpen: { state: true },
    notices: { state: true },
  };

  declare route: Route;
  declare status: ConnectionStatus;
  declare navOpen: boolean;
  declare authOpen: boolean;
  declare notices: Notice[];

  private auth: AuthStore | undefined;
  private client: GatewayClient | undefined;
  private viewElement: (HTMLElement & { ctx?: ControlContext }) | undefined;
  private viewId: ViewId | undefined;
  private viewContext: { route: Route; context: ControlContext } | undefined;
  private noticeCount = 0;
  private readonly onHashChange = () => {
    this.route = parseRoute(location.hash);
    this.navOpen = false;
  };

  constructor() {
    super();
    this.route = parseRoute(location.hash);
    this.status = { state: 'connecting', detail: 'Connecting…' };
    this.navOpen = false;
    this.authOpen = false;
    this.notices = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.auth = createAuthStore(localStorage, location, history);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.client = new GatewayClient({
      url: `${scheme}://${location.host}/`,
      secret: () => this.auth?.get(),
      onStatus: (status) => {
        this.status = status;
        if (status.state === 'auth-failed') this.authOpen = true;
        if (status.state === 'online') this.authOpen = false;
      },
    });
    window.addEventListener('hashchange', this.onHashChange);
    this.client.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.client?.stop();
  }

  /** The context of the current route (a new object when the route changes). */
  private context(client: GatewayClient): ControlContext {
    return {
      rpc: client,
      params: this.route.params,
      navigate: (view, ...params) => {
        location.hash = routeHash(view, params);
      },
      notify: (message, kind = 'info') => this.notify(message, kind),
    };
  }

  private notify(message: string, kind: 'info' | 'error'): void {
    const notice = { id: ++this.noticeCount, message, kind };
    this.notices = [...this.notices, notice].slice(-4);
    setTimeout(() => {
      this.notices = this.notices.filter((other) => other.id !== notice.id);
    }, NOTICE_MS);
  }

  /** The element of the current view: kept while only its parameters change. */
  private currentView(): HTMLElement | undefined {
    const client = this.client;
    if (!client) return undefined;
    const entry = VIEWS.find((view) => view.id === this.route.view);
    if (!entry || customElements.get(entry.tag) === undefined) {
      this.viewElement = undefined;
      this.viewId = undefined;
      return undefined;
    }
    if (this.viewId !== entry.id || !this.viewElement) {
      this.viewElement = document.createElement(entry.tag);
      this.viewId = entry.id;
    }
    // A new context only when the route changed: views compare it to reload what they show.
    if (this.viewContext?.route !== this.route) {
      this.viewContext = { route: this.route, context: this.context(client) };
    }
    this.viewElement.ctx = this.viewContext.context;
    return this.viewElement;
  }

  private saveSecret(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const input = form.elements.namedItem('secret') as HTMLInputElement;
    if (input.value) this.auth?.set(input.value);
    input.value = '';
    this.authOpen = false;
    this.client?.reconnect();
  }

  private forgetSecret(): void {
    this.auth?.clear();
    this.client?.reconnect();
  }

  override render() {
    const view = this.currentView();
    const title = VIEWS.find((entry) => entry.id === this.route.view)?.title ?? '';
    return html`
      <header class="bar">
        <button
          class="menu"
          aria-label="Menu"
          aria-expanded=${String(this.navOpen)}
          aria-controls="nav"
          @click=${() => (this.navOpen = !this.navOpen)}
        >
          ☰
        </button>
        <h1>ClawdBot <span class="view-title">${title}</span></h1>
        <p id="status" class="status" role="status" data-state=${this.status.state}>
          ${this.status.detail}
        </p>
        <button class="auth-toggle" @click=${() => (this.authOpen = !this.authOpen)}>
          Gateway access
        </button>
      </header>
      ${this.authOpen ? this.renderAuth() : nothing}
      <div class="body">
        <nav id="nav" class=${this.navOpen ? 'open' : ''} aria-label="Views">
          ${VIEWS.map(
            (entry) =>
              html`<a
                href=${routeHash(entry.id)}
                data-view=${entry.id}
                aria-current=${entry.id === this.route.view ? 'page' : 'false'}
                >${entry.title}</a
              >`,
          )}
        </nav>
        <main>
          ${view ?? html`<p class="missing">The ${title} view is not part of this build yet.</p>`}
        </main>
      </div>
      <ul class="notices" aria-live="polite">
        ${this.notices.map(
          (notice) => html`<li class="notice ${notice.kind}">${notice.message}</li>`,
        )}
      </ul>
    `;
  }

  private renderAuth() {
    return html`
      <form id="auth" class="auth" @submit=${(event: SubmitEvent) => this.saveSecret(event)}>
        <label for="auth-secret">Gateway token or password</label>
        <input id="auth-secret" name="secret" type="password" autocomplete="current-password" />
        <button type="submit">Connect</button>
        <button type="button" @click=${() => this.forgetSecret()}>Forget</button>
        <p class="hint">
          Kept in this browser only. A gateway on this machine with no auth configured needs none.
        </p>
      </form>
    `;
  }

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 8px 16px;
      background: var(--cb-panel);
      border-bottom: 1px solid var(--cb-border);
    }
    h1 {
      font-size: 1.1rem;
      margin: 0;
      flex: 1;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .view-title {
      color: var(--cb-muted);
      font-weight: normal;
      margin-left: 6px;
    }
    .status {
      margin: 0;
      font-size: 0.85rem;
      color: var(--cb-muted);
    }
    .status::before {
      content: '●';
      margin-right: 4px;
    }
    .status[data-state='online']::before {
      color: var(--cb-ok);
    }
    .status[data-state='auth-failed'],
    .status[data-state='auth-failed']::before,
    .status[data-state='offline']::before {
      color: var(--cb-error);
    }
    button {
      font: inherit;
      border: 1px solid var(--cb-border);
      border-radius: 6px;
      background: var(--cb-panel);
      color: var(--cb-text);
      padding: 4px 10px;
      cursor: pointer;
    }
    button[type='submit'] {
      background: var(--cb-accent);
      color: var(--cb-accent-text);
      border-color: var(--cb-accent);
    }
    .menu {
      display: none;
    }
    .auth {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      padding: 12px 16px;
      background: var(--cb-panel);
      border-bottom: 1px solid var(--cb-border);
    }
    .auth input {
      font: inherit;
      padding: 4px 8px;
      min-width: 240px;
    }
    .hint {
      flex-basis: 100%;
      margin: 0;
      font-size: 0.8rem;
      color: var(--cb-muted);
    }
    .body {
      flex: 1;
      display: flex;
      min-height: 0;
      position: relative;
    }
    nav {
      width: 180px;
      flex-shrink: 0;
      display: flex;
      flex-direction: column;
      padding: 8px;
      gap: 2px;
      background: var(--cb-panel);
      border-right: 1px solid var(--cb-border);
      overflow-y: auto;
    }
    nav a {
      padding: 8px 12px;
      border-radius: 6px;
      color: var(--cb-text);
      text-decoration: none;
    }
    nav a:hover {
      background: var(--cb-bg);
    }
    nav a[aria-current='page'] {
      background: var(--cb-accent);
      color: var(--cb-accent-text);
    }
    main {
      flex: 1;
      min-width: 0;
      overflow: auto;
      display: flex;
      flex-direction: column;
    }
    main > * {
      flex: 1;
      min-height: 0;
    }
    .missing {
      padding: 24px;
      color: var(--cb-muted);
    }
    .notices {
      position: fixed;
      right: 16px;
      bottom: 16px;
      margin: 0;
      padding: 0;
      list-style: none;
      display: flex;
      flex-direction: column;
      gap: 8px;
      z-index: 10;
    }
    .notice {
      padding: 8px 12px;
      border-radius: 6px;
      background: var(--cb-panel);
      border: 1px solid var(--cb-border);
      box-shadow: 0 2px 8px rgb(0 0 0 / 15%);
    }
    .notice.error {
      color: var(--cb-error);
      border-color: var(--cb-error);
    }
    /* Phone size: the navigation folds into a menu over the content. */
    @media (max-width: 760px) {
      .menu {
        display: inline-block;
      }
      .auth-toggle,
      .status {
        font-size: 0.75rem;
      }
      .view-title {
        display: none;
      }
      nav {
        display: none;
        position: absolute;
        inset: 0 auto 0 0;
        width: min(260px, 80vw);
        z-index: 5;
        box-shadow: 2px 0 12px rgb(0 0 0 / 25%);
      }
      nav.open {
        display: flex;
      }
      .bar {
        padding: 6px 10px;
        gap: 8px;
      }
    }
  `;
}

customElements.define('cb-app', AppShell);
