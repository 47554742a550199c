/**
 * `clawdbot node run`: a headless node. It connects to the gateway's WebSocket with role
 * "node", asks to be paired until the owner approves it (then keeps the device token it
 * is handed), and runs the commands the gateway sends it. It reconnects by itself; a
 * command running when the connection drops is stopped and never re-run: the gateway has
 * already told its caller it failed, and the node cannot know whether to repeat it.
 */
import { hostname, platform } from 'node:os';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../core/protocol/index.js';
import { clawdbotVersion } from '../../core/version.js';
import { availableCommands, capsOf, NodeCommandError } from './node-commands.js';
import { NodeStateFile, type NodeState } from './node-state.js';

/** How a node is run. */
export interface NodeHostOptions {
  /** ws://host:port of the gateway. */
  gatewayUrl: string;
  stateDir: string;
  nodeId?: string;
  displayName?: string;
  log: (line: string) => void;
  /** Reconnect backoff bounds (tests shorten them). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** A running node. */
export interface NodeHost {
  /** Disconnect and stop reconnecting. */
  stop(): void;
}

interface InvokeRequest {
  id: string;
  nodeId: string;
  command: string;
  paramsJSON?: string | null;
}

/** Start a node; it runs until stop(). */
export function startNodeHost(options: NodeHostOptions): NodeHost {
  const stateFile = new NodeStateFile(options.stateDir);
  let state: NodeState = stateFile.load({
    ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}),
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
  });
  const commands = availableCommands();
  const minDelay = options.reconnectMinMs ?? 500;
  const maxDelay = options.reconnectMaxMs ?? 15_000;
  let delay = minDelay;
  let stopped = false;
  let socket: WebSocket | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let requestCounter = 0;
  const { log } = options;

  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(options.gatewayUrl);
    socket = ws;
    // Commands of this connection only: they die with it.
    const inFlight = new AbortController();
    const send = (method: string, params: unknown) =>
      ws.readyState === WebSocket.OPEN &&
      ws.send(JSON.stringify({ type: 'req', id: `n${++requestCounter}`, method, params }));

    const runCommand = async (request: InvokeRequest) => {
      const command = commands.get(request.command);
      let result: object;
      try {
        if (command === undefined)
          throw new NodeCommandError('UNKNOWN_COMMAND', `this node has no ${request.command}`);
        const params: unknown =
          request.paramsJSON != null ? JSON.parse(request.paramsJSON) : undefined;
        const payload = await command(params, {
          stateDir: options.stateDir,
          signal: inFlight.signal,
          log,
        });
        result = { ok: true, payloadJSON: JSON.stringify(payload) };
      } catch (error) {
        const code = error instanceof NodeCommandError ? error.code : 'COMMAND_FAILED';
        const message = error instanceof Error ? error.message : String(error);
        result = { ok: false, error: { code, message } };
      }
      if (inFlight.signal.aborted) {
        log(
          `${request.command} (${request.id}): connection lost while it ran; reported failed, not re-run`,
        );
        return;
      }
      send('node.invoke.result', { id: request.id, nodeId: state.nodeId, ...result });
    };

    ws.on('message', (data: Buffer) => {
      let frame: {
        type?: string;
        event?: string;
        id?: string;
        ok?: boolean;
        payload?: unknown;
        error?: { code?: string; message?: string };
      };
      try {
        frame = JSON.parse(data.toString('utf8')) as typeof frame;
      } catch {
        return;
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        ws.send(
          JSON.stringify({
            type: 'req',
            id: 'connect',
            method: 'connect',
            params: {
              minProtocol: PROTOCOL_VERSION,
              maxProtocol: PROTOCOL_VERSION,
              client: {
                id: state.nodeId,
                displayName: state.displayName ?? hostname(),
                version: clawdbotVersion,
                platform: platform(),
                mode: 'node',
              },
              role: 'node',
              caps: capsOf(commands.keys()),
              commands: [...commands.keys()],
              pathEnv: process.env.PATH ?? '',
              ...(state.token !== undefined ? { auth: { deviceToken: state.token } } : {}),
            },
          }),
        );
        return;
      }
      if (frame.type === 'res' && frame.id === 'connect') {
        if (!frame.ok) {
          if (frame.error?.code === 'NOT_PAIRED' && state.token !== undefined) {
            log(`device token refused (${frame.error.message ?? 'revoked'}); asking to pair again`);
            const { token: _dropped, ...rest } = state;
            state = rest;
            stateFile.save(state);
            delay = minDelay;
          } else {
            log(`connect refused: ${frame.error?.message ?? 'unknown reason'}`);
          }
          return; // the gateway closes the socket; the close handler reconnects
        }
        delay = minDelay;
        if (state.token !== undefined) {
          log(`connected to ${options.gatewayUrl} as paired node ${state.nodeId}`);
        } else {
          send('node.pair.request', {
            nodeId: state.nodeId,
            displayName: state.displayName ?? hostname(),
            platform: platform(),
            version: clawdbotVersion,
            caps: capsOf(commands.keys()),
            commands: [...commands.keys()],
          });
        }
        return;
      }
      if (frame.type === 'res' && frame.ok && isPairRequestResult(frame.payload)) {
        log(
          `pairing requested: approve with \`clawdbot nodes approve ${frame.payload.request.requestId}\` (node ${state.nodeId})`,
        );
        return;
      }
      if (frame.type === 'event' && frame.event === 'node.pair.resolved') {
        const resolved = frame.payload as { nodeId?: string; decision?: string; token?: string };
        if (resolved.nodeId !== state.nodeId) return;
        if (resolved.decision === 'approved' && typeof resolved.token === 'string') {
          state = { ...state, token: resolved.token };
          stateFile.save(state);
          log(`paired with the gateway as ${state.nodeId}; reconnecting with the device token`);
          delay = 0;
          ws.close(1000, 'paired');
        } else if (resolved.decision === 'rejected') {
          log('pairing was rejected by the owner');
        }
        return;
      }
      if (frame.type === 'event' && frame.event === 'node.invoke.request') {
        void runCommand(frame.payload as InvokeRequest);
      }
    });
    ws.on('error', (error) => log(`gateway connection error: ${error.message}`));
    ws.on('close', () => {
      inFlight.abort();
      if (socket === ws) socket = undefined;
      if (stopped) return;
      const wait = delay;
      delay = Math.min(Math.max(delay * 2, minDelay), maxDelay);
      if (wait > 0) log(`disconnected; reconnecting in ${wait} ms`);
      retryTimer = setTimeout(connect, wait);
    });
  };

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      socket?.close(1000, 'node stopping');
    },
  };
}

function isPairRequestResult(
  payload: unknown,
): payload is { status: 'pending'; request: { requestId: string } } {
  if (typeof payload !== 'object' || payload === null) return false;
  const candidate = payload as { status?: unknown; request?: { requestId?: unknown } };
  return candidate.status === 'pending' && typeof candidate.request?.requestId === 'string';
}
