import {
  SocketModeReceiver,
  type App,
  type Logger as BoltLogger,
  type SocketModeReceiverOptions,
} from '@slack/bolt';

/** What the Socket Mode client emits as `slack_event` for every envelope. */
interface SlackEventArgs {
  ack(response?: Record<string, unknown>): Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

/** Connection state changes, for the account status. */
export type SocketStatusListener = (patch: { connected: boolean; lastError?: string }) => void;

/** Options of the receiver: bolt's, plus where status goes and the reconnect backoff. */
export interface DurableSocketModeOptions extends SocketModeReceiverOptions {
  logger: BoltLogger;
  onStatus: SocketStatusListener;
  /** Pause before the first reconnect attempt, doubled per failure up to `maxMs`. */
  reconnect?: { initialMs: number; maxMs: number };
}

/**
 * Socket Mode as a durable channel needs it. Two changes to bolt's receiver:
 *
 * - An envelope is acknowledged only after bolt's listeners finished with it. Bolt acks
 *   Events API envelopes before any listener runs, so a process dying between the ack and
 *   the hand-over to Temporal would lose the message. Here the listener hands the message
 *   to the agent (durably queued in its session workflow) first; a listener that fails
 *   leaves the envelope un-acknowledged and Slack redelivers it (retry_attempt + 1), which
 *   the message id makes a duplicate.
 * - Reconnecting is ours. The Socket Mode client's own reconnect rejects a promise nobody
 *   handles when apps.connections.open refuses (a revoked app token: invalid_auth), which
 *   would take the whole gateway down, and then stops trying. Here every refusal is shown
 *   in the status and retried with backoff until the account is stopped.
 */
export class DurableSocketModeReceiver extends SocketModeReceiver {
  private boltApp: App | undefined;
  private readonly log: BoltLogger;
  private readonly onStatus: SocketStatusListener;
  private readonly backoff: { initialMs: number; maxMs: number };
  private stopping = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: DurableSocketModeOptions) {
    super({ ...options, autoReconnectEnabled: false });
    this.log = options.logger;
    this.onStatus = options.onStatus;
    this.backoff = options.reconnect ?? { initialMs: 1000, maxMs: 60_000 };
    // Replace the base receiver's dispatcher (the one that acks early) with ours.
    this.client.removeAllListeners('slack_event');
    this.client.on('slack_event', (args: SlackEventArgs) => {
      void this.dispatch(args);
    });
    this.client.on('connected', () => {
      this.failures = 0;
      this.onStatus({ connected: true, lastError: undefined });
    });
    // Emitted for a dropped connection and for Slack's `disconnect` request alike.
    this.client.on('disconnected', () => {
      this.onStatus({ connected: false });
      if (!this.stopping) this.reconnectLater();
    });
  }

  override init(app: App): void {
    super.init(app);
    this.boltApp = app;
  }

  override start(): ReturnType<SocketModeReceiver['start']> {
    this.stopping = false;
    return super.start();
  }

  override stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    return super.stop();
  }

  private reconnectLater(): void {
    if (this.timer) return;
    const delay = Math.min(this.backoff.initialMs * 2 ** this.failures, this.backoff.maxMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopping) return;
      this.log.info('Socket Mode connection lost; reconnecting');
      this.client.start().catch((error: unknown) => {
        this.failures += 1;
        const reason = error instanceof Error ? error.message : String(error);
        this.log.warn(`Socket Mode reconnect failed (${reason}); trying again`);
        this.onStatus({ connected: false, lastError: `Socket Mode reconnect: ${reason}` });
        if (!this.stopping) this.reconnectLater();
      });
    }, delay);
  }

  private async dispatch(args: SlackEventArgs): Promise<void> {
    if (!this.boltApp) return;
    let response: Record<string, unknown> | undefined;
    try {
      await this.boltApp.processEvent({
        body: args.body,
        // Bolt calls this at once for events; the real ack waits for the listeners below.
        ack: (reply?: Record<string, unknown>) => {
          response = reply;
          return Promise.resolve();
        },
        ...(args.retry_num !== undefined ? { retryNum: args.retry_num } : {}),
        ...(args.retry_reason !== undefined ? { retryReason: args.retry_reason } : {}),
      });
    } catch (error) {
      this.log.warn(
        `envelope ${args.envelope_id} not acknowledged (Slack will redeliver it):`,
        error,
      );
      return;
    }
    try {
      await args.ack(response);
    } catch (error) {
      // The connection went away; Slack redelivers and the duplicate is recognised.
      this.log.warn(`could not acknowledge envelope ${args.envelope_id}:`, error);
    }
  }
}
