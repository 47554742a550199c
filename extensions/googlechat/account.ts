/**
 * One running Google Chat app: its service-account token source and Chat API client, the
 * request verifier and webhook route on the gateway's port, and the outbound calls.
 */
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import { ChatApi } from './chat-api.js';
import { GOOGLE_TOKEN_URL, loadServiceAccount, type GoogleChatAccount } from './config.js';
import { normalizeEvent } from './normalize.js';
import { GoogleChatOutbound } from './outbound.js';
import { ServiceAccountTokens } from './service-account-token.js';
import { chatRequestVerifier } from './verify-request.js';
import { googlechatWebhookRoute } from './webhook.js';

/** Connect one account; throws (with the reason) when it cannot start. */
export async function startGoogleChatAccount(
  context: ChannelStartContext<GoogleChatAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.audience) {
    throw new Error('Google Chat needs audience: the app URL or the Cloud project number');
  }
  const key = await loadServiceAccount(account);
  const tokens = new ServiceAccountTokens(
    key,
    account.tokenUrl ?? key.token_uri ?? GOOGLE_TOKEN_URL,
  );
  // A token now proves the key is good before any message waits on it.
  const probe = async () => {
    await tokens.token();
    return { botName: tokens.email };
  };
  const { botName } = await probe();
  context.setStatus({ botName });

  const api = new ChatApi(account.apiBaseUrl, tokens);
  const outbound = new GoogleChatOutbound(api);
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const route = googlechatWebhookRoute({
    path: account.webhookPath,
    verify: chatRequestVerifier({
      audienceType: account.audienceType,
      audience: account.audience,
      ...(account.certsUrl ? { certsUrl: account.certsUrl } : {}),
    }),
    logger,
    signal,
    handle: async (event) => {
      const inbound = normalizeEvent(event, accountId, account.botUser, (resource) =>
        api.download(resource),
      );
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
      `the Google Chat endpoint needs the gateway HTTP server in this process (POST ${route.path} not free)`,
    );
  }
  context.setStatus({ connected: true });
  logger.info('googlechat account started', { botName, webhookPath: account.webhookPath });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    probe,
    stop: () => {
      stopping.abort();
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}
