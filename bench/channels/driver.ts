/**
 * What a platform brings to `npm run bench:channels`: a module `bench/channels/<platform>.ts`
 * exporting `driver`, which starts that platform's fake (test/fakes/) and speaks to it as
 * users would. The runner (bench/channels/index.ts) starts the real runtime with the
 * channel pointed at the fake and measures message-in to reply-out through it.
 */

/** A platform fake, started for the bench. */
export interface BenchPlatform {
  /**
   * The `channels` section for clawdbot.json: the channel pointed at this fake, with
   * dmPolicy 'open' and allowFrom ['*'] so every bench user is answered.
   */
  channels: Record<string, unknown>;
  /** Deliver a direct message from bench user `user` (0, 1, ...; one DM chat each) to the bot. */
  sendDirectMessage(user: number, text: string): Promise<void>;
  /** Texts the bot has sent to user `user`'s chat so far, in order. */
  repliesTo(user: number): string[];
  close(): Promise<void>;
}

/** A platform's bench driver. */
export interface BenchDriver {
  /** The channel id, as printed (telegram, discord, slack). */
  name: string;
  /** `gatewayUrl`: where the gateway will listen (webhook platforms post there). */
  start(context: { gatewayUrl: string }): Promise<BenchPlatform>;
}
