// The contract between the Control UI's shell and its views. The shell owns the build, the
// routing, auth and the one WebSocket connection to the gateway; each view is a Lit custom
// element that receives a `ControlContext` as its `ctx` property and talks to the gateway only
// through it (the same protocol-v3 methods any client uses — no private back door).

/** An error answer to a request: the gateway's stable code and message. */
export interface GatewayErrorShape {
  code: string;
  message: string;
  details?: unknown;
}

/** The hello the gateway answered `connect` with (protocol v3 `hello-ok`). */
export interface GatewayHello {
  protocol: number;
  server?: { version?: string; host?: string; connId?: string };
  features?: { methods?: string[]; events?: string[] };
  snapshot?: {
    sessionDefaults?: { mainSessionKey?: string; defaultAgentId?: string };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The one gateway connection, shared by every view. */
export interface GatewayRpc {
  /** Whether the socket is open and `connect` succeeded. */
  readonly connected: boolean;
  /** The hello of the current connection (undefined until connected). */
  readonly hello: GatewayHello | undefined;
  /**
   * Sends a `req` frame and resolves with the `res` payload. Rejects with an Error whose
   * `code` property is the gateway's stable error code (or `UNAVAILABLE` when not connected).
   */
  request<T = unknown>(method: string, params?: unknown): Promise<T>;
  /**
   * Subscribes to `event` frames by name ('*' for all); returns the unsubscribe function.
   * Views must unsubscribe in `disconnectedCallback`.
   */
  onEvent(event: string, handler: (payload: unknown, event: string) => void): () => void;
  /** Called after every (re)connect, so views can reload what they show. */
  onConnected(handler: (hello: GatewayHello) => void): () => void;
}

/** What the shell hands every view. */
export interface ControlContext {
  rpc: GatewayRpc;
  /** Route parameters after the view id, e.g. #/sessions/agent:main:main -> ['agent:main:main']. */
  params: string[];
  /** Navigates within the app, e.g. navigate('chat', sessionKey). */
  navigate(view: ViewId, ...params: string[]): void;
  /** Shows a short message to the user (errors in red). */
  notify(message: string, kind?: 'info' | 'error'): void;
}

/** Every view of the app, in navigation order, with the custom element that renders it. */
export const VIEWS = [
  { id: 'chat', title: 'Chat', tag: 'cb-chat-view' },
  { id: 'sessions', title: 'Sessions', tag: 'cb-sessions-view' },
  { id: 'runs', title: 'Runs', tag: 'cb-runs-view' },
  { id: 'channels', title: 'Channels', tag: 'cb-channels-view' },
  { id: 'cron', title: 'Cron', tag: 'cb-cron-view' },
  { id: 'skills', title: 'Skills', tag: 'cb-skills-view' },
  { id: 'plugins', title: 'Plugins', tag: 'cb-plugins-view' },
  { id: 'nodes', title: 'Nodes', tag: 'cb-nodes-view' },
  { id: 'config', title: 'Config', tag: 'cb-config-view' },
  { id: 'logs', title: 'Logs', tag: 'cb-logs-view' },
  { id: 'canvas', title: 'Canvas', tag: 'cb-canvas-view' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
