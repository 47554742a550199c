import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, Partials, Routes } from 'discord.js';
import type { APIUser, Message, RateLimitData } from 'discord.js';
import type { ChannelAccountHandle, ChannelStartContext } from '../types.js';
import { discordToken } from './config.js';
import type { DiscordAccount } from './config.js';
import { deleteMessage, discordAction, react, readMessages } from './actions.js';
import { toInbound } from './inbound.js';
import { editText, sendMedia, sendText, sendTyping } from './outbound.js';

/**
 * Rate-limit waits up to this long are sat out inside discord.js (its bucket queue); longer
 * ones are thrown so the delivery activity fails with retryAfterMs and Temporal waits
 * durably instead of a process holding the chunk in memory.
 */
const SDK_RATE_LIMIT_WAIT_MS = 1_000;

/** How often a message that could not be handed to the runtime is offered again. */
const RECEIVE_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Connect one Discord account: a discord.js Client with the intents for guild messages,
 * direct messages and their content (DM channels arrive partial, hence Partials.Channel),
 * logged in over the gateway. Resolves once READY; rejects on a bad token.
 */
export async function startDiscordAccount(
  context: ChannelStartContext<DiscordAccount>,
): Promise<ChannelAccountHandle> {
  const { account, logger } = context;
  const token = discordToken(account);
  if (!token) throw new Error('no token: set channels.discord.token or DISCORD_BOT_TOKEN');
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    rest: {
      ...(account.apiBase ? { api: account.apiBase.replace(/\/+$/, '') } : {}),
      rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > SDK_RATE_LIMIT_WAIT_MS,
    },
  });

  client.on(Events.ClientReady, (ready) => {
    context.setStatus({ connected: true, botName: ready.user.username });
    logger.info('connected to Discord', { bot: ready.user.tag, guilds: ready.guilds.cache.size });
  });
  client.on(Events.ShardResume, (_shard, replayed) => {
    context.setStatus({ connected: true });
    logger.info('gateway session resumed', { replayed });
  });
  client.on(Events.ShardReconnecting, () => context.setStatus({ connected: false }));
  client.on(Events.ShardDisconnect, (event) => {
    context.setStatus({ connected: false, lastError: `gateway closed (${event.code})` });
    logger.warn('gateway closed for good', { code: event.code });
  });
  client.on(Events.ShardError, (error) => context.setStatus({ lastError: error.message }));
  client.on(Events.Error, (error) => context.setStatus({ lastError: error.message }));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.Debug, (message) => logger.debug(message));
  // One chain per channel: the gateway hands messages over in order, and a session must see
  // them in that order even when handing one over is slow or retried.
  const chains = new Map<string, Promise<void>>();
  client.on(Events.MessageCreate, (message) => {
    const previous = chains.get(message.channelId) ?? Promise.resolve();
    const next = previous
      .then(() => deliverInbound(context, client, message))
      .catch((error: unknown) =>
        logger.error('could not read a Discord message', {
          messageId: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    chains.set(message.channelId, next);
    void next.finally(() => {
      if (chains.get(message.channelId) === next) chains.delete(message.channelId);
    });
  });

  const abort = () => void client.destroy();
  context.signal.addEventListener('abort', abort, { once: true });
  try {
    await client.login(token);
  } catch (error) {
    context.signal.removeEventListener('abort', abort);
    await client.destroy();
    throw explainLoginError(error);
  }

  return {
    sendText: (input) => sendText(client, input),
    sendMedia: (input) => sendMedia(client, input),
    sendTyping: (target) => sendTyping(client, target),
    editText: (target, messageId, text) => editText(client, target, messageId, text),
    react: (target, messageId, emoji, options) => react(client, target, messageId, emoji, options),
    deleteMessage: (target, messageId) => deleteMessage(client, target, messageId),
    readMessages: (target, options) => readMessages(client, target, options),
    action: (name, params) => discordAction(client, name, params),
    async probe() {
      const me = (await client.rest.get(Routes.user())) as APIUser;
      return { botName: me.username };
    },
    async stop() {
      context.signal.removeEventListener('abort', abort);
      await client.destroy();
    },
  };
}

/**
 * Discord closes with 4014 when the bot asks for a privileged intent the Developer Portal
 * does not grant — the most common set-up mistake — and discord.js says only "Used
 * disallowed intents": name the switch to flip.
 */
function explainLoginError(error: unknown): unknown {
  if (error instanceof Error && /disallowed intents/i.test(error.message)) {
    return new Error(
      `${error.message}: turn on "Message Content Intent" for the bot in the Discord ` +
        'Developer Portal (Bot tab, Privileged Gateway Intents)',
    );
  }
  return error;
}

/**
 * Hand one message to the runtime. The gateway has no acknowledgement to withhold (its
 * sequence number moves on as soon as the event arrives), so the message is kept in memory
 * and offered again while the runtime cannot take it (Temporal briefly away), until it is
 * queued or the account stops.
 */
async function deliverInbound(
  context: ChannelStartContext<DiscordAccount>,
  client: Client,
  message: Message,
): Promise<void> {
  const botUserId = client.user?.id;
  if (!botUserId || message.author.id === botUserId) return;
  const inbound = toInbound(message, context.accountId, botUserId);
  if (!inbound) return;
  for (let attempt = 0; !context.signal.aborted; attempt++) {
    try {
      const outcome = await context.receive(inbound);
      context.logger.debug('inbound handled', { messageId: message.id, status: outcome.status });
      return;
    } catch (error) {
      const waitMs = RECEIVE_RETRY_MS[Math.min(attempt, RECEIVE_RETRY_MS.length - 1)] ?? 30_000;
      context.logger.warn('could not hand a Discord message to the agent; retrying', {
        messageId: message.id,
        error: error instanceof Error ? error.message : String(error),
        retryInMs: waitMs,
      });
      await sleep(waitMs, undefined, { signal: context.signal }).catch(() => undefined);
    }
  }
}
