/**
 * Reply tokens of received messages, for the reply that answers them. A reply token works
 * once and for about a minute; a reply is free of charge where a push counts against the
 * monthly quota, so the first piece of an answer uses it when it can.
 */

/** LINE documents one minute; a little less leaves time for the request itself. */
const VALID_MS = 50_000;
const MAX_KEPT = 1000;

interface Kept {
  replyToken: string;
  quoteToken?: string;
  receivedAt: number;
}

/** Tokens by message id, in this process (a restart pushes instead). */
export class ReplyTokens {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(messageId: string, replyToken: string, quoteToken?: string): void {
    this.kept.set(messageId, {
      replyToken,
      ...(quoteToken ? { quoteToken } : {}),
      receivedAt: this.now(),
    });
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
  }

  /** The reply token, if still valid; taken, so it is tried once only. */
  take(messageId: string): string | undefined {
    const kept = this.kept.get(messageId);
    if (!kept) return undefined;
    const token = kept.replyToken;
    this.kept.set(messageId, { ...kept, replyToken: '' });
    return token !== '' && this.now() - kept.receivedAt < VALID_MS ? token : undefined;
  }

  /** The quote token of a message (quotes it in a reply), if it was received here. */
  quoteToken(messageId: string): string | undefined {
    return this.kept.get(messageId)?.quoteToken;
  }
}
