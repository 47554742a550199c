// The part every Control UI view shares: it binds to the shell's ControlContext, loads what
// it shows once the gateway is connected (and again after each reconnect, since the gateway
// may have restarted), keeps it fresh by polling when the gateway sends no event for it, and
// drops every subscription when the view leaves the page.
import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { ControlContext, GatewayRpc } from '../contract.js';

/** The message of anything a request rejected with, prefixed by the gateway's code. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}

/** A Lit view that talks to the gateway through `ctx`. */
export abstract class GatewayView extends LitElement {
  static override properties: PropertyDeclarations = {
    ctx: { attribute: false },
    loading: { state: true },
    loadError: { state: true },
  };

  declare ctx: ControlContext | undefined;
  /** True while a load is in flight (the first one shows "Loading…"). */
  declare loading: boolean;
  /** Why the last load failed (shown in the view; cleared by the next good load). */
  declare loadError: string | undefined;
  /** Re-load this often while shown; 0 for views that only load on demand or by events. */
  protected pollMs = 0;

  #boundTo: ControlContext | undefined;
  #cleanups: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #loaded = false;

  constructor() {
    super();
    this.loading = false;
    this.loadError = undefined;
  }

  /** Fetch what the view shows; throwing shows the error in place of the data. */
  protected abstract load(rpc: GatewayRpc): Promise<void>;

  /** Gateway events that should trigger something (e.g. a reload); name -> handler. */
  protected events(): Record<string, (payload: unknown) => void> {
    return {};
  }

  /** Whether the first load finished (views show "Loading…" until then). */
  protected get loaded(): boolean {
    return this.#loaded;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#bind();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unbind();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ctx')) this.#bind();
  }

  /** Load again now (the Refresh buttons, and after an action changed something). */
  async refresh(): Promise<void> {
    const rpc = this.ctx?.rpc;
    if (!rpc?.connected) return;
    this.loading = true;
    try {
      await this.load(rpc);
      this.loadError = undefined;
      this.#loaded = true;
    } catch (error) {
      this.loadError = errorText(error);
    } finally {
      this.loading = false;
    }
  }

  /**
   * Run a user's action: its failure goes to the shell's notice area (in red) rather than
   * being lost in the console; true when it succeeded.
   */
  protected async act(label: string, action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      this.ctx?.notify(`${label}: ${errorText(error)}`, 'error');
      return false;
    }
  }

  #bind(): void {
    if (!this.isConnected || this.ctx === undefined || this.#boundTo === this.ctx) return;
    this.#unbind();
    const ctx = this.ctx;
    this.#boundTo = ctx;
    this.#cleanups.push(ctx.rpc.onConnected(() => void this.refresh()));
    for (const [event, handler] of Object.entries(this.events()))
      this.#cleanups.push(ctx.rpc.onEvent(event, (payload) => handler(payload)));
    if (this.pollMs > 0) {
      // Polling only while the socket is up: a reconnect reloads anyway.
      this.#timer = setInterval(() => {
        if (!this.loading) void this.refresh();
      }, this.pollMs);
    }
    if (ctx.rpc.connected) void this.refresh();
  }

  #unbind(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#boundTo = undefined;
  }
}
