/**
 * One running WhatsApp Cloud API account: the Graph API client for its phone number, the
 * webhook routes on the gateway's port, and the outbound calls.
 */
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import type { WhatsAppAccount } from './config.js';
import { GraphApi } from './graph-api.js';
import { whatsappActions } from './actions.js';
import { normalizeMessage } from './normalize.js';
import { WhatsAppOutbound } from './outbound.js';
import { whatsappWebhookRoutes } from './webhook.js';

/** Connect one account; throws (with the reason) when it cannot start. */
export async function startWhatsAppAccount(
  context: ChannelStartContext<WhatsAppAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const { accessToken, phoneNumberId, appSecret, verifyToken } = account;
  if (!accessToken || !phoneNumberId || !appSecret || !verifyToken) {
    throw new Error('WhatsApp needs accessToken, phoneNumberId, appSecret and verifyToken');
  }
  const api = new GraphApi({
    accessToken,
    phoneNumberId,
    apiBaseUrl: account.apiBaseUrl,
    apiVersion: account.apiVersion,
  });
  const botName = await phoneNameOf(api);
  context.setStatus({ botName });

  const outbound = new WhatsAppOutbound(api);
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const routes = whatsappWebhookRoutes({
    path: account.webhookPath,
    appSecret,
    verifyToken,
    phoneNumberId,
    logger,
    signal,
    handle: async (message, value) => {
      const inbound = normalizeMessage(message, value, accountId, (id) => api.downloadMedia(id));
      if (!inbound) return;
      const outcome = await context.receive(inbound);
      logger.debug('message taken', { messageId: message.id, status: outcome.status });
    },
  });
  for (const route of routes) {
    if (!context.registerHttpRoute?.(route)) {
      throw new Error(
        `the WhatsApp webhook needs the gateway HTTP server in this process (${route.method} ${route.path} not free)`,
      );
    }
  }
  context.setStatus({ connected: true });
  logger.info('whatsapp account started', { botName, webhookPath: account.webhookPath });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    sendTyping: (target) => outbound.sendTyping(target),
    action: whatsappActions(api),
    probe: async () => ({ botName: await phoneNameOf(api) }),
    stop: () => {
      stopping.abort();
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}

/** The number's display name and phone from `GET /{phone-number-id}`: proves the token works. */
async function phoneNameOf(api: GraphApi): Promise<string> {
  try {
    const phone = await api.phoneNumber();
    const name = phone.verified_name ?? 'WhatsApp';
    return phone.display_phone_number ? `${name} (${phone.display_phone_number})` : name;
  } catch (error) {
    throw new Error(`WhatsApp phone number lookup failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
