/**
 * One running Zalo bot: getMe to prove the token, then either the webhook (registered with
 * setWebhook, served on the gateway's port) or long polling (after deleteWebhook, since
 * Zalo hands updates to one of the two), and the outbound calls.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import { ZaloBotApi } from './bot-api.js';
import { loadBotToken, type ZaloAccount } from './config.js';
import { oncePerMessage, pollUpdates, zaloWebhookRoute } from './inbound.js';
import { normalizeUpdate } from './normalize.js';

/** Connect one account; throws (with the reason) when it cannot start. */
export async function startZaloAccount(
  context: ChannelStartContext<ZaloAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const api = new ZaloBotApi(account.apiBaseUrl, await loadBotToken(account));
  const probe = async () => {
    const me = await api.getMe();
    return { botName: me.account_name ?? me.display_name ?? me.id ?? 'zalo bot' };
  };
  const { botName } = await probe();
  context.setStatus({ botName });

  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const take = oncePerMessage(async (update) => {
    const inbound = normalizeUpdate(update, accountId);
    if (!inbound) return;
    const outcome = await context.receive(inbound);
    logger.debug('message taken', { messageId: inbound.platformMessageId, status: outcome.status });
  });

  let polling: Promise<void> | undefined;
  if (account.webhookUrl && account.webhookSecret) {
    const route = zaloWebhookRoute({
      path: account.webhookPath,
      secret: account.webhookSecret,
      logger,
      signal,
      take,
    });
    if (!context.registerHttpRoute?.(route)) {
      throw new Error(
        `the Zalo webhook needs the gateway HTTP server in this process (POST ${route.path} not free)`,
      );
    }
    await api.call('setWebhook', { url: account.webhookUrl, secret_token: account.webhookSecret });
    context.setStatus({ connected: true });
  } else {
    await api.call('deleteWebhook');
    context.setStatus({ connected: true });
    polling = pollUpdates({
      api,
      timeoutSeconds: account.pollTimeoutSeconds,
      signal,
      logger,
      onError: (message) =>
        message === undefined
          ? context.setStatus({ connected: true })
          : context.setStatus({ connected: false, lastError: message }),
      take,
    });
  }
  logger.info('zalo account started', {
    botName,
    mode: account.webhookUrl ? 'webhook' : 'polling',
  });

  return {
    sendText: async (input) => {
      const sent = await api.send<{ message_id?: string }>('sendMessage', {
        chat_id: input.target.chatId,
        text: input.text,
      });
      return { platformMessageId: sent.message_id ?? '' };
    },
    sendMedia: async (input) => {
      // Zalo fetches photos by URL; anything else goes as a link in a text message.
      if (input.kind === 'image' && /^https?:\/\//i.test(input.source)) {
        const sent = await api.send<{ message_id?: string }>('sendPhoto', {
          chat_id: input.target.chatId,
          photo: input.source,
          ...(input.caption ? { caption: input.caption.slice(0, 2000) } : {}),
        });
        return { platformMessageId: sent.message_id ?? '' };
      }
      const text = [input.caption, input.source].filter(Boolean).join('\n');
      const sent = await api.send<{ message_id?: string }>('sendMessage', {
        chat_id: input.target.chatId,
        text: markdownToPlainText(text).slice(0, 2000),
      });
      return { platformMessageId: sent.message_id ?? '' };
    },
    sendTyping: async (target) => {
      await api.send('sendChatAction', { chat_id: target.chatId, action: 'typing' });
    },
    probe,
    stop: async () => {
      stopping.abort();
      await polling;
      context.setStatus({ connected: false });
    },
  };
}
