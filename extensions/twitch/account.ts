/**
 * One running Twitch account: a @twurple/chat ChatClient logged in with the bot's user
 * token, joined to the configured rooms. Messages are handed to the runtime one at a time
 * (in order); the runtime's group rules answer @mentions. twurple reconnects by itself
 * (and rejoins the rooms); we report each drop in channels.status.
 */
import { StaticAuthProvider } from '@twurple/auth';
import { ChatClient } from '@twurple/chat';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelStartContext,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../../channels/types.js';
import type { TwitchAccount } from './config.js';
import { normalizeChatMessage } from './normalize.js';
import { twurpleTarget } from './server-target.js';

const JOIN_WAIT_MS = 30_000;

/** Twitch shows one line per message: line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** Connect one account; throws with the reason when it cannot start. */
export async function startTwitchAccount(
  context: ChannelStartContext<TwitchAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.accessToken)
    throw new Error('no Twitch token: set accessToken (chat:read chat:edit)');
  const token = account.accessToken.replace(/^oauth:/, '');
  const client = new ChatClient({
    authProvider: new StaticAuthProvider(account.clientId ?? '', token),
    channels: account.channels,
    rejoinChannelsOnReconnect: true,
    ...twurpleTarget(account.server),
    logger: { minLevel: 'error' },
  });
  const botLogin = () => client.irc.currentNick?.toLowerCase() || undefined;

  let queue = Promise.resolve();
  client.onMessage((channel, user, text, message) => {
    const inbound = normalizeChatMessage({
      accountId,
      channel,
      user,
      text,
      message,
      botLogin: botLogin(),
    });
    if (!inbound) return;
    queue = queue.then(async () => {
      try {
        const outcome = await context.receive(inbound);
        logger.debug('twitch message taken', {
          room: inbound.chatId,
          messageId: inbound.platformMessageId,
          status: outcome.status,
        });
      } catch (error) {
        logger.error(
          `twitch message ${inbound.platformMessageId} not handed to the agent: ${(error as Error).message}`,
        );
      }
    });
  });

  const registered = new Promise<void>((resolve, reject) => {
    client.onAuthenticationSuccess(() => resolve());
    client.onAuthenticationFailure((text) => reject(new Error(`Twitch login failed: ${text}`)));
    client.onTokenFetchFailure((error) =>
      reject(new Error(`Twitch token not usable: ${error.message}`)),
    );
  });
  client.onAuthenticationSuccess(() => {
    context.setStatus({ connected: true, ...(botLogin() ? { botName: botLogin()! } : {}) });
  });
  client.onDisconnect((manually, reason) => {
    if (manually) return;
    const why = reason?.message ?? 'the server closed the connection';
    context.setStatus({ connected: false, lastError: `chat connection lost: ${why}` });
    logger.warn(`twitch chat connection lost (${why}); twurple reconnects`);
  });
  client.onJoinFailure((channel, reason) => {
    context.setStatus({ lastError: `could not join #${channel}: ${reason}` });
    logger.warn(`twitch: could not join #${channel}: ${reason}`);
  });

  client.connect();
  try {
    await abortable(registered, context.signal);
  } catch (error) {
    client.quit();
    throw error;
  }
  logger.info('twitch account started', { bot: botLogin(), channels: account.channels });

  const sendText = async (input: SendTextInput): Promise<SentMessage> => {
    const room = input.target.chatId;
    const text = oneLine(input.text);
    try {
      await client.say(
        room,
        text,
        input.replyToMessageId ? { replyTo: input.replyToMessageId } : {},
      );
    } catch (error) {
      // Not connected or not joined yet: twurple reconnects, so a retry can succeed.
      throw new ChannelSendError(`twitch #${room}: ${(error as Error).message}`, {
        retryable: true,
      });
    }
    // PRIVMSG has no answer carrying the new message's id; the delivery id names it.
    return { platformMessageId: input.deliveryId };
  };

  return {
    sendText,
    sendMedia: (input: SendMediaInput) => {
      // Chat carries text: a URL is posted as a link, a local file cannot be.
      if (!/^https?:\/\//.test(input.source)) {
        return Promise.reject(
          new ChannelSendError('twitch chat carries text only: a local file cannot be sent', {
            retryable: false,
          }),
        );
      }
      const text = input.caption ? `${input.caption} ${input.source}` : input.source;
      return sendText({
        target: input.target,
        text,
        formatted: false,
        deliveryId: input.deliveryId,
      });
    },
    probe: () =>
      client.isConnected
        ? Promise.resolve({ botName: botLogin() ?? 'twitch' })
        : Promise.reject(new Error('not connected to Twitch chat')),
    stop: async () => {
      client.quit();
      await queue;
      context.setStatus({ connected: false });
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Twitch chat did not log in within ${JOIN_WAIT_MS} ms`)),
      JOIN_WAIT_MS,
    );
    const onAbort = () => reject(new Error('stopped while logging in'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
