/**
 * One running Tlon account: logged in to the ship, an eyre channel opened with
 * @urbit/http-api (PUT /~/channel/<id> for pokes and subscriptions, the SSE stream for
 * facts, acks sent by the library), subscribed to the chat agent's DM firehose and the
 * channels agent's post firehose. Facts are filtered by Tlon's own rules (dmAllowlist,
 * channel authorization) and handed to the runtime one at a time; replies are pokes.
 */
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelInbound,
  type ChannelStartContext,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../../channels/types.js';
import { closeAirlock, createAirlock } from './airlock.js';
import { channelAllowed, dmAllowed, type TlonAccount } from './config.js';
import { loginToShip } from './login.js';
import { normalizeChannelFact, normalizeDmFact } from './normalize.js';
import { daFromUnixMs, formatUd, textToStory } from './story.js';

const POKE_TIMEOUT_MS = 30_000;
const RESUBSCRIBE_DELAY_MS = 1_000;

/** Connect one account; throws with the reason when it cannot start. */
export async function startTlonAccount(
  context: ChannelStartContext<TlonAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.ship || !account.url || !account.code) {
    throw new Error('Tlon needs ship, url and code (the +code of the ship)');
  }
  const bot = account.ship;
  const url = account.url.replace(/\/+$/, '');
  const cookie = await loginToShip(url, bot, account.code);
  const api = createAirlock(url, account.code);
  api.cookie = cookie;
  api.ship = bot.slice(1);
  api.our = bot.slice(1);
  api.onOpen = () => context.setStatus({ connected: true, botName: bot });
  api.onRetry = () =>
    context.setStatus({ connected: false, lastError: 'ship event stream lost; reconnecting' });
  api.onError = (error: unknown) =>
    context.setStatus({
      connected: false,
      lastError: `ship event stream failed: ${String(error)}`,
    });

  const stopped = { value: false };
  let queue = Promise.resolve();
  const hand = (inbound: ChannelInbound | undefined) => {
    if (!inbound) return;
    queue = queue.then(async () => {
      try {
        const outcome = await context.receive(inbound);
        logger.debug('tlon message taken', {
          chatId: inbound.chatId,
          messageId: inbound.platformMessageId,
          status: outcome.status,
        });
      } catch (error) {
        logger.error(
          `tlon message ${inbound.platformMessageId} not handed to the agent: ${(error as Error).message}`,
        );
      }
    });
  };
  const watched = new Set(account.groupChannels);
  const onDm = (fact: unknown) => {
    const inbound = normalizeDmFact(fact, bot, accountId);
    if (inbound && !dmAllowed(account, inbound.senderId)) {
      logger.info('tlon DM dropped: sender not in dmAllowlist', { ship: inbound.senderId });
      return;
    }
    hand(inbound);
  };
  const onPost = (fact: unknown) => {
    const inbound = normalizeChannelFact(fact, bot, accountId, watched);
    if (inbound && !channelAllowed(account, inbound.chatId, inbound.senderId)) {
      logger.info('tlon post dropped: sender not authorized in the channel', {
        channel: inbound.chatId,
        ship: inbound.senderId,
      });
      return;
    }
    hand(inbound);
  };

  // Eyre ends a subscription with `quit` (kicked, or the channel was reaped and made anew):
  // subscribe again, or DMs would stop arriving silently.
  const subscribe = async (app: string, path: string, event: (fact: unknown) => void) => {
    await api.subscribe({
      app,
      path,
      event,
      err: (error: unknown) => {
        context.setStatus({ lastError: `${app}${path} subscription refused: ${String(error)}` });
      },
      quit: () => {
        if (stopped.value) return;
        logger.warn(`tlon ${app}${path} subscription ended; subscribing again`);
        setTimeout(() => {
          if (stopped.value) return;
          subscribe(app, path, event).catch((error: unknown) =>
            context.setStatus({ lastError: `${app}${path} resubscribe failed: ${String(error)}` }),
          );
        }, RESUBSCRIBE_DELAY_MS);
      },
    });
  };

  // The first poke creates the channel and opens its event stream.
  await api.poke({ app: 'hood', mark: 'helm-hi', json: 'opening airlock' });
  await subscribe('chat', '/v3', onDm);
  await subscribe('channels', '/v2', onPost);
  context.setStatus({ connected: true, botName: bot });
  logger.info('tlon account started', { ship: bot, channels: account.groupChannels });

  const poke = (app: string, mark: string, json: unknown) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ChannelSendError(`tlon ${mark}: no answer from the ship`, { retryable: true }),
          ),
        POKE_TIMEOUT_MS,
      );
      api
        .poke({
          app,
          mark,
          json,
          onSuccess: () => {
            clearTimeout(timer);
            resolve();
          },
          onError: (error: unknown) => {
            clearTimeout(timer);
            reject(
              new ChannelSendError(`tlon ${mark} refused: ${String(error)}`, { retryable: false }),
            );
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(
            new ChannelSendError(`tlon ${mark}: ${(error as Error).message}`, { retryable: true }),
          );
        });
    });

  // The message id is made from the send time: fixed per delivery so a retry is the same
  // message, which the ship keeps once.
  const sentAtOf = new Map<string, number>();
  const sendText = async (input: SendTextInput): Promise<SentMessage> => {
    const sent = sentAtOf.get(input.deliveryId) ?? Date.now();
    sentAtOf.set(input.deliveryId, sent);
    if (sentAtOf.size > 5000) sentAtOf.delete(sentAtOf.keys().next().value!);
    const content = textToStory(input.text);
    const id = `${bot}/${formatUd(daFromUnixMs(sent))}`;
    const { target } = input;
    if (target.chatType === 'direct') {
      await poke('chat', 'chat-dm-action', {
        ship: target.chatId,
        diff: {
          id,
          delta: { add: { memo: { content, author: bot, sent }, kind: null, time: null } },
        },
      });
      return { platformMessageId: id };
    }
    const action = target.threadId
      ? {
          post: { reply: { id: target.threadId, action: { add: { content, author: bot, sent } } } },
        }
      : { post: { add: { content, author: bot, sent, kind: '/chat', blob: null, meta: null } } };
    await poke('channels', 'channel-action-1', { channel: { nest: target.chatId, action } });
    return { platformMessageId: id };
  };

  return {
    sendText,
    sendMedia: (input: SendMediaInput) => {
      // Tlon shows links; a local file would need the ship's storage upload (not done).
      if (!/^https?:\/\//.test(input.source)) {
        return Promise.reject(
          new ChannelSendError('tlon: local files cannot be sent, only links', {
            retryable: false,
          }),
        );
      }
      const text = input.caption ? `${input.caption}\n${input.source}` : input.source;
      return sendText({
        target: input.target,
        text,
        formatted: false,
        deliveryId: input.deliveryId,
      });
    },
    probe: async () => {
      const response = await fetch(`${url}/~/name`, { headers: { cookie } });
      if (!response.ok) throw new Error(`ship answered HTTP ${response.status}`);
      return { botName: (await response.text()).trim() || bot };
    },
    stop: async () => {
      stopped.value = true;
      try {
        await api.delete();
      } catch (error) {
        logger.debug(`tlon channel not deleted: ${String(error)}`);
      }
      // The airlock's reset() would delete the channel again, unawaited: end the stream only.
      closeAirlock(api);
      await queue;
      context.setStatus({ connected: false });
    },
  };
}
