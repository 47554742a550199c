import { App, webApi } from '@slack/bolt';
import type { ChannelAccountHandle, ChannelStartContext, CommonAccountOptions } from '../types.js';
import { SlackActions } from './actions.js';
import { boltLogger } from './bolt-logger.js';
import { BotThreads } from './bot-threads.js';
import { missingCredentials, slackCredentials, type SlackOptions } from './config.js';
import { GatewayEventsReceiver } from './http-receiver.js';
import { SlackDirectory, toChannelInbound, userMessageOf } from './inbound.js';
import { MessageOnce } from './message-once.js';
import { SlackOutbound } from './outbound.js';
import { toChannelSendError } from './send-error.js';
import { DurableSocketModeReceiver } from './socket-receiver.js';

/** One Slack account's options: the shared ones and Slack's own. */
export type SlackAccount = CommonAccountOptions & SlackOptions;

/** Who the bot is, from auth.test. */
interface BotIdentity {
  botUserId: string;
  botId: string | undefined;
  botName: string;
}

/**
 * Connect one Slack account: check the bot token (auth.test), start bolt with Socket Mode or
 * the gateway's HTTP route, and hand every person-written message to the agent before Slack
 * gets its acknowledgement.
 */
export async function startSlackAccount(
  context: ChannelStartContext<SlackAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId } = context;
  const missing = missingCredentials(account);
  if (missing.length > 0) {
    const where =
      accountId === 'default' ? 'channels.slack' : `channels.slack.accounts.${accountId}`;
    throw new Error(`${where}: ${missing.join(', ')} missing (mode ${account.mode})`);
  }
  const { botToken = '', appToken = '', signingSecret = '' } = slackCredentials(account);
  const logger = boltLogger(context.logger);
  // No SDK retries or rate-limit sleeps: start() fails fast and is retried by the channel
  // manager, and a send's 429 goes back to the durable delivery activity with Retry-After.
  const clientOptions = (): webApi.WebClientOptions => ({
    ...(account.apiUrl ? { slackApiUrl: account.apiUrl } : {}),
    logger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const bot = await whoAmI(new webApi.WebClient(botToken, clientOptions()));
  context.setStatus({ botName: bot.botName });

  const receiver =
    account.mode === 'socket'
      ? new DurableSocketModeReceiver({
          appToken,
          logger,
          onStatus: (patch) => context.setStatus(patch),
          // The Socket Mode client keeps its own patient retries of apps.connections.open.
          installerOptions: {
            clientOptions: account.apiUrl ? { slackApiUrl: account.apiUrl } : {},
          },
        })
      : new GatewayEventsReceiver({
          path: account.webhookPath,
          signingSecret,
          logger,
          registerHttpRoute: context.registerHttpRoute?.bind(context),
        });
  const app = new App({
    token: botToken,
    botUserId: bot.botUserId,
    ...(bot.botId ? { botId: bot.botId } : {}),
    receiver,
    logger,
    clientOptions: clientOptions(),
  });

  const directory = new SlackDirectory(app.client);
  const once = new MessageOnce();
  const botThreads = new BotThreads();
  const onEvent = async ({ event }: { event: object }) => {
    const message = userMessageOf(event as Record<string, unknown>);
    if (!message) return;
    await once.run(`${message.channel}:${message.ts}`, async () => {
      const [chatType, senderName] = await Promise.all([
        directory.chatType(message.channel, message.channelType),
        directory.displayName(message.user),
      ]);
      const inBotThread = message.threadTs
        ? botThreads.has(message.channel, message.threadTs)
        : false;
      await context.receive(
        toChannelInbound(message, {
          accountId,
          botUserId: bot.botUserId,
          botToken,
          chatType,
          senderName,
          inBotThread,
        }),
      );
    });
  };
  app.event('message', onEvent);
  app.event('app_mention', onEvent);

  try {
    await app.start();
  } catch (error) {
    await app.stop().catch(() => {});
    throw startError(error);
  }
  context.setStatus({ connected: true, lastError: undefined });
  const stop = once_(() => app.stop().then(() => context.setStatus({ connected: false })));
  context.signal.addEventListener('abort', () => void stop(), { once: true });

  const outbound = new SlackOutbound(app.client, account.replyToMode, botThreads);
  const actions = new SlackActions(app.client);
  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    editText: (target, platformMessageId, text) =>
      outbound.editText(target, platformMessageId, text),
    react: (target, ts, emoji, options) => actions.react(target, ts, emoji, options),
    deleteMessage: (target, ts) => actions.deleteMessage(target, ts),
    readMessages: (target, options) => actions.readMessages(target, options),
    action: (name, params) => actions.action(name, params),
    async probe() {
      const identity = await whoAmI(app.client);
      return { botName: identity.botName };
    },
    stop,
  };
}

async function whoAmI(client: webApi.WebClient): Promise<BotIdentity> {
  let result: webApi.AuthTestResponse;
  try {
    result = await client.auth.test();
  } catch (error) {
    throw new Error(toChannelSendError('auth.test', error).message);
  }
  if (!result.user_id) throw new Error('Slack auth.test: no user_id (is this a bot token?)');
  return {
    botUserId: result.user_id,
    botId: result.bot_id,
    botName: result.user ?? result.user_id,
  };
}

function startError(error: unknown): Error {
  const coded = error as { code?: string } | undefined;
  if (coded?.code?.startsWith('slack_webapi_')) {
    return new Error(toChannelSendError('apps.connections.open', error).message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A function that runs its body once and returns the first run's promise afterwards. */
function once_<T>(body: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => (running ??= body());
}
