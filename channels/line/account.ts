/**
 * One running LINE account: the Messaging API client (bot info as its name), the webhook
 * route on the gateway's port, reply tokens remembered for the answers, and the outbound
 * calls.
 */
import { Readable } from 'node:stream';
import { messagingApi, type webhook } from '@line/bot-sdk';
import type { ChannelAccountHandle, ChannelStartContext } from '../types.js';
import { resolveCredentials, type LineAccount } from './config.js';
import { normalizeMessageEvent } from './normalize.js';
import { LineOutbound } from './outbound.js';
import { ReplyTokens } from './reply-tokens.js';
import { lineMessageOf } from './send-error.js';
import { lineWebhookRoute } from './webhook.js';

/** LINE's content host (the API host is the SDK's default, https://api.line.me). */
const DATA_BASE = 'https://api-data.line.me';

/** Connect one account; throws (with LINE's reason) when it cannot start. */
export async function startLineAccount(
  context: ChannelStartContext<LineAccount>,
  env: NodeJS.ProcessEnv,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const { channelAccessToken, channelSecret } = await resolveCredentials(account, accountId, env);
  const apiBase = account.apiBaseUrl?.replace(/\/+$/, '');
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken,
    ...(apiBase ? { baseURL: apiBase } : {}),
  });
  const blobClient = new messagingApi.MessagingApiBlobClient({
    channelAccessToken,
    baseURL: apiBase ?? DATA_BASE,
  });
  const botName = await botNameOf(client);
  context.setStatus({ botName });

  const tokens = new ReplyTokens();
  const outbound = new LineOutbound(client, tokens);
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const download = async (messageId: string) => {
    const stream = await blobClient.getMessageContent(messageId);
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  };

  const handle = async (event: webhook.Event) => {
    if (event.type !== 'message' || event.mode === 'standby') return undefined;
    const messageEvent = event;
    const inbound = normalizeMessageEvent(messageEvent, accountId, download);
    if (!inbound) return undefined;
    if (messageEvent.replyToken) {
      const quoteToken = (messageEvent.message as { quoteToken?: string }).quoteToken;
      tokens.remember(inbound.platformMessageId, messageEvent.replyToken, quoteToken);
    }
    const outcome = await context.receive(inbound);
    logger.debug('message taken', {
      chatId: inbound.chatId,
      messageId: inbound.platformMessageId,
      redelivery: event.deliveryContext.isRedelivery,
      status: outcome.status,
    });
    return outcome;
  };

  const route = lineWebhookRoute({
    path: account.webhookPath,
    channelSecret,
    logger,
    signal,
    handle,
  });
  if (!context.registerHttpRoute?.(route)) {
    throw new Error('the LINE webhook needs the gateway HTTP server in this process');
  }
  context.setStatus({ connected: true });
  logger.info('line account started', { botName, webhookPath: account.webhookPath });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    sendTyping: (target) => outbound.sendTyping(target),
    probe: async () => ({ botName: await botNameOf(client) }),
    stop: async () => {
      stopping.abort();
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}

/** The bot's display name (and basic id) from GET /v2/bot/info. */
async function botNameOf(client: messagingApi.MessagingApiClient): Promise<string> {
  try {
    const info = await client.getBotInfo();
    return info.basicId ? `${info.displayName} (${info.basicId})` : info.displayName;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const reason =
      status === 401
        ? 'LINE rejected the channel access token (401): check channelAccessToken'
        : `LINE bot info failed: ${
            error instanceof Error && 'body' in error
              ? lineMessageOf(error as Parameters<typeof lineMessageOf>[0])
              : String(error)
          }`;
    throw new Error(reason, { cause: error });
  }
}
