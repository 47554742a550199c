/**
 * One running Nostr account: a RelayLink per configured relay, all feeding one ordered
 * inbound queue. Events are deduplicated by event id across relays (the same DM usually
 * arrives from each), decrypted (NIP-04 or NIP-17) and handed to the runtime one at a
 * time; replies go out in the protocol the peer used, published to every relay.
 */
import type { Event as NostrEvent } from 'nostr-tools/core';
import { finalizeEvent } from 'nostr-tools/pure';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelStartContext,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../../channels/types.js';
import type { NostrAccount } from './config.js';
import { decodeDm, DM_KINDS, encodeDm, type DecodedDm } from './direct-messages.js';
import { parsePrivateKey, publicKeyOf } from './keys.js';
import { RelayLink } from './relay-link.js';
import { nostrStateFile, type NostrState } from './state-file.js';

// NIP-59 blurs a gift wrap's created_at up to two days into the past: ask for that much more.
const WRAP_BLUR_SECONDS = 2 * 24 * 60 * 60;
// Relays and clocks disagree a little; ask from a minute before the newest DM handled.
const CLOCK_SLACK_SECONDS = 60;
// Enough to cover one relay replaying its backlog after a reconnect.
const SEEN_LIMIT = 5000;

/** Connect one account; throws with the reason when it cannot start. */
export async function startNostrAccount(
  context: ChannelStartContext<NostrAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.privateKey) throw new Error('no Nostr key: set privateKey (nsec1… or hex)');
  const secretKey = parsePrivateKey(account.privateKey);
  const publicKey = publicKeyOf(secretKey);
  const stateFile = nostrStateFile(context.stateDir, accountId);
  const state: NostrState = await stateFile.load();
  const nowSeconds = Math.floor(Date.now() / 1000);
  // Only DMs written after this are answered: older ones were handled before a restart,
  // or predate the bot's first start.
  const cutoff = (state.newestAt ?? nowSeconds) - CLOCK_SLACK_SECONDS;
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  context.setStatus({ botName: publicKey });

  const seenEvents = new BoundedSet(SEEN_LIMIT);
  const seenMessages = new BoundedSet(SEEN_LIMIT);
  let queue = Promise.resolve();

  const handle = async (dm: DecodedDm) => {
    if (dm.sender === publicKey || dm.createdAt < cutoff) return;
    if (!seenMessages.add(dm.messageId)) return;
    if (dm.text.trim() === '') return;
    state.peers[dm.sender] = dm.protocol;
    try {
      const outcome = await context.receive({
        accountId,
        chatType: 'direct',
        chatId: dm.sender,
        senderId: dm.sender,
        text: dm.text,
        platformMessageId: dm.messageId,
        mentioned: true,
        ...(dm.replyTo ? { replyToMessageId: dm.replyTo } : {}),
        sentAt: dm.createdAt * 1000,
      });
      logger.debug('nostr message taken', { messageId: dm.messageId, status: outcome.status });
      state.newestAt = Math.max(state.newestAt ?? 0, dm.createdAt);
      await stateFile.save(state);
    } catch (error) {
      // Not handed over: forget it so a relay's redelivery (or a restart) retries it.
      seenMessages.delete(dm.messageId);
      logger.error(
        `nostr message ${dm.messageId} not handed to the agent: ${(error as Error).message}`,
      );
    }
  };

  const onEvent = (event: NostrEvent, relayUrl: string) => {
    if (!seenEvents.add(event.id)) return;
    const dm = decodeDm(event, secretKey, publicKey);
    if (!dm) {
      logger.debug('nostr event ignored (not a DM we can read)', { id: event.id, relay: relayUrl });
      return;
    }
    queue = queue.then(() => handle(dm));
  };

  const profileEvent = account.profile
    ? finalizeEvent(
        { kind: 0, created_at: nowSeconds, tags: [], content: JSON.stringify(account.profile) },
        secretKey,
      )
    : undefined;

  const links: RelayLink[] = [];
  const filters = () => {
    const since = Math.max(0, (state.newestAt ?? nowSeconds) - CLOCK_SLACK_SECONDS);
    return [
      { kinds: [DM_KINDS.nip04], '#p': [publicKey], since },
      {
        kinds: [DM_KINDS.giftWrap],
        '#p': [publicKey],
        since: Math.max(0, since - WRAP_BLUR_SECONDS),
      },
    ];
  };
  for (const url of account.relays) {
    links.push(
      new RelayLink({
        url,
        logger,
        signal,
        filters,
        onEvent,
        onConnected: (link) => {
          context.setStatus({ connected: true });
          logger.info('nostr relay connected', { relay: link.url });
          if (profileEvent) {
            link.publish(profileEvent).catch((error: unknown) => {
              logger.warn(`nostr profile not published to ${link.url}: ${String(error)}`);
            });
          }
        },
        onDisconnected: (relayUrl, reason) => {
          context.setStatus({
            connected: links.some((link) => link.connected),
            lastError: `relay ${relayUrl}: ${reason}`,
          });
        },
      }),
    );
  }

  // A retried delivery republishes the same signed event: relays keep one copy per id.
  const built = new Map<string, { event: NostrEvent; messageId: string }>();
  const publishAll = async (event: NostrEvent): Promise<void> => {
    const results = await Promise.allSettled(links.map((link) => link.publish(event)));
    const accepted = results.filter((result) => result.status === 'fulfilled').length;
    if (accepted === 0) {
      const reasons = results.map((result) =>
        result.status === 'rejected'
          ? String((result.reason as Error)?.message ?? result.reason)
          : '',
      );
      throw new ChannelSendError(`nostr: no relay accepted the event (${reasons.join('; ')})`, {
        retryable: true,
      });
    }
  };
  const sendText = async (input: SendTextInput): Promise<SentMessage> => {
    let message = built.get(input.deliveryId);
    if (!message) {
      const peer = input.target.chatId;
      message = encodeDm({
        protocol: state.peers[peer] ?? account.defaultProtocol,
        secretKey,
        peer,
        text: input.text,
        ...(input.replyToMessageId ? { replyTo: input.replyToMessageId } : {}),
      });
      built.set(input.deliveryId, message);
      if (built.size > SEEN_LIMIT) built.delete(built.keys().next().value!);
    }
    await publishAll(message.event);
    return { platformMessageId: message.messageId };
  };
  const sendMedia = async (input: SendMediaInput): Promise<SentMessage> => {
    // DMs carry text only: a URL is sent as a link, a local file cannot be.
    if (!/^https?:\/\//.test(input.source)) {
      throw new ChannelSendError('nostr DMs carry text only: a local file cannot be sent', {
        retryable: false,
      });
    }
    const text = input.caption ? `${input.caption}\n${input.source}` : input.source;
    return sendText({ target: input.target, text, formatted: false, deliveryId: input.deliveryId });
  };

  logger.info('nostr account started', { publicKey, relays: account.relays });
  return {
    sendText,
    sendMedia: (input) => sendMedia(input),
    probe: () => {
      if (!links.some((link) => link.connected)) {
        return Promise.reject(new Error(`no relay connected (${account.relays.join(', ')})`));
      }
      return Promise.resolve({ botName: publicKey });
    },
    stop: async () => {
      stopping.abort();
      await Promise.all(links.map((link) => link.done));
      await queue;
      context.setStatus({ connected: false });
    },
  };
}

/** A set that forgets its oldest entries past `limit`; `add` says whether it was new. */
class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  add(item: string): boolean {
    if (this.items.has(item)) return false;
    this.items.add(item);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
    return true;
  }
  delete(item: string): void {
    this.items.delete(item);
  }
}
