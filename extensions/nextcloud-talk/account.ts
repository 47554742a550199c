/**
 * One running Talk bot: its webhook route on the gateway's port and its signed sends. Talk
 * bots have no "who am I" call, so probing only checks the server answers.
 */
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelStartContext,
} from '../../channels/types.js';
import { TalkBotApi } from './bot-api.js';
import { loadBotSecret, type NextcloudTalkAccount } from './config.js';
import { normalizeEvent } from './normalize.js';
import { talkWebhookRoute } from './webhook.js';

/** Connect one account; throws (with the reason) when it cannot start. */
export async function startNextcloudTalkAccount(
  context: ChannelStartContext<NextcloudTalkAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.baseUrl) throw new Error('Nextcloud Talk needs baseUrl, the Nextcloud server');
  const baseUrl = account.baseUrl;
  const secret = await loadBotSecret(account);
  const api = new TalkBotApi(
    baseUrl,
    secret,
    account.apiUser && account.apiPassword
      ? { user: account.apiUser, password: account.apiPassword }
      : undefined,
  );
  const botName = account.botName ?? 'Talk bot';
  const probe = async () => {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/status.php`);
    if (!response.ok) throw new Error(`${baseUrl}/status.php answered ${response.status}`);
    return { botName };
  };
  context.setStatus({ botName });

  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const route = talkWebhookRoute({
    path: account.webhookPath,
    secret,
    baseUrl,
    logger,
    signal,
    handle: async (event) => {
      const room = event.target?.id;
      if (!room) return;
      const chatType = await api.chatTypeOf(room);
      const inbound = normalizeEvent(event, accountId, chatType, account.botName);
      if (!inbound) return;
      const outcome = await context.receive(inbound);
      logger.debug('message taken', {
        messageId: inbound.platformMessageId,
        status: outcome.status,
      });
    },
  });
  if (!context.registerHttpRoute?.(route)) {
    throw new Error(
      `the Talk webhook needs the gateway HTTP server in this process (POST ${route.path} not free)`,
    );
  }
  context.setStatus({ connected: true });
  logger.info('nextcloud-talk account started', { baseUrl, webhookPath: account.webhookPath });

  return {
    sendText: async (input) => {
      const { referenceId } = await api.sendMessage({
        room: input.target.chatId,
        message: input.text,
        ...(input.replyToMessageId ? { replyTo: input.replyToMessageId } : {}),
        deliveryId: input.deliveryId,
      });
      return { platformMessageId: referenceId };
    },
    sendMedia: async (input) => {
      // Bots can only post text: a URL is posted as a link, a local file cannot be shared.
      if (!/^https?:\/\//i.test(input.source)) {
        throw new ChannelSendError(
          `Talk bots cannot upload files; ${input.source} was not sent (name a URL instead)`,
          { retryable: false },
        );
      }
      const { referenceId } = await api.sendMessage({
        room: input.target.chatId,
        message: [input.caption, input.source].filter(Boolean).join('\n'),
        deliveryId: input.deliveryId,
      });
      return { platformMessageId: referenceId };
    },
    probe,
    stop: () => {
      stopping.abort();
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}
