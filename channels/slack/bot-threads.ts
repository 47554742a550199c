/**
 * Threads this account's bot has posted in. Slack has no "reply to the bot's message" for a
 * thread reply beyond `parent_user_id` (the thread's starter, usually the person who
 * mentioned the bot), so a reply in a thread the bot answered in counts as talking to it —
 * people do not re-mention the bot on every message of a thread. Kept in memory per account
 * process, bounded; after a restart a thread needs one new mention.
 */
export class BotThreads {
  private readonly threads = new Set<string>();

  constructor(private readonly maxEntries = 5000) {}

  /** The bot posted in thread `threadTs` of `channel`. */
  add(channel: string, threadTs: string): void {
    const key = `${channel}:${threadTs}`;
    this.threads.delete(key);
    if (this.threads.size >= this.maxEntries) {
      this.threads.delete(this.threads.values().next().value as string);
    }
    this.threads.add(key);
  }

  /** Whether the bot posted in thread `threadTs` of `channel`. */
  has(channel: string, threadTs: string): boolean {
    return this.threads.has(`${channel}:${threadTs}`);
  }
}
