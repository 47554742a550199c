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

/**
 * Socket Mode, acknowledging an envelope only after bolt's listeners finished with it.
 *
 * Bolt acknowledges Events API envelopes before it runs any listener, so a process that dies
 * between the ack and the hand-over to Temporal loses the message. Here the listener hands
 * the message to the agent (durably queued in its session workflow) first; only then does
 * the ack go out. A listener that fails leaves the envelope un-acknowledged and Slack
 * redelivers it (retry_attempt + 1); the message id makes that redelivery a duplicate.
 */
export class AckAfterProcessingReceiver extends SocketModeReceiver {
  private boltApp: App | undefined;
  private readonly log: BoltLogger;

  constructor(options: SocketModeReceiverOptions & { logger: BoltLogger }) {
    super(options);
    this.log = options.logger;
    // Replace the base receiver's dispatcher (the one that acks early) with ours.
    this.client.removeAllListeners('slack_event');
    this.client.on('slack_event', (args: SlackEventArgs) => {
      void this.dispatch(args);
    });
  }

  override init(app: App): void {
    super.init(app);
    this.boltApp = app;
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
