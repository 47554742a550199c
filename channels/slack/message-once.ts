/**
 * Runs the hand-over of one Slack message once per account process, however often it
 * arrives: Slack sends `message` and `app_mention` for the same mention, retries events over
 * HTTP (X-Slack-Retry-Num) and redelivers un-acknowledged envelopes. A copy that arrives
 * while the first is being handed over waits for it (and is acknowledged with it); a failed
 * hand-over is forgotten, so a redelivery tries again. Across restarts the message id does
 * the same job in the session workflow.
 */
export class MessageOnce {
  private readonly handled = new Map<string, Promise<void>>();

  constructor(private readonly maxEntries = 2000) {}

  /** Run `handOver` unless the message `key` (channel:ts) was or is being handed over. */
  run(key: string, handOver: () => Promise<void>): Promise<void> {
    const known = this.handled.get(key);
    if (known) return known;
    const running = handOver();
    running.catch(() => this.handled.delete(key));
    if (this.handled.size >= this.maxEntries) {
      this.handled.delete(this.handled.keys().next().value as string);
    }
    this.handled.set(key, running);
    return running;
  }
}
