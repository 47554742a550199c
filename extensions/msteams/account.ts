/**
 * One running Teams bot: the messaging endpoint on the gateway's port with its request
 * verifier, the app token source, and replies through the Bot Connector at each
 * conversation's serviceUrl.
 */
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelStartContext,
  type DeliveryTarget,
} from '../../channels/types.js';
import { AppTokens } from './app-token.js';
import { defaultTokenUrl, type MsTeamsAccount } from './config.js';
import { ConnectorApi } from './connector-api.js';
import { normalizeActivity, splitConversationId } from './normalize.js';
import { OpenIdKeys } from './openid-keys.js';
import { ServiceUrls } from './service-urls.js';
import { botRequestVerifier } from './verify-request.js';
import { teamsWebhookRoute } from './webhook.js';

/** Connect one account; throws (with the reason) when it cannot start. */
export async function startMsTeamsAccount(
  context: ChannelStartContext<MsTeamsAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.appId || !account.appPassword) {
    throw new Error('Teams needs appId and appPassword (the bot app registration)');
  }
  const appId = account.appId;
  const tokens = new AppTokens({
    tokenUrl: account.tokenUrl ?? defaultTokenUrl(account.tenantId),
    appId,
    appPassword: account.appPassword,
  });
  // A token now proves the credentials before any message waits on them.
  const probe = async () => {
    await tokens.token();
    return { botName: appId };
  };
  await probe();
  context.setStatus({ botName: appId });

  const connector = new ConnectorApi(tokens);
  const serviceUrls = new ServiceUrls(ServiceUrls.fileFor(context.stateDir, accountId));
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const route = teamsWebhookRoute({
    path: account.webhook.path,
    verify: botRequestVerifier({ appId, keys: new OpenIdKeys(account.openIdMetadataUrl) }),
    logger,
    signal,
    handle: async (activity) => {
      const inbound = normalizeActivity(activity, accountId);
      if (!inbound) return;
      // Verified above: the token was issued for this serviceUrl.
      if (activity.serviceUrl) serviceUrls.set(inbound.chatId, activity.serviceUrl);
      if (activity.recipient?.name) context.setStatus({ botName: activity.recipient.name });
      const outcome = await context.receive(inbound);
      logger.debug('message taken', {
        messageId: inbound.platformMessageId,
        status: outcome.status,
      });
    },
  });
  if (!context.registerHttpRoute?.(route)) {
    throw new Error(
      `the Teams messaging endpoint needs the gateway HTTP server in this process (POST ${route.path} not free)`,
    );
  }
  context.setStatus({ connected: true });
  logger.info('msteams account started', { appId, endpoint: account.webhook.path });

  const send = async (target: DeliveryTarget, text: string, replyToMessageId?: string) => {
    const { chatId } = splitConversationId(target.chatId);
    const serviceUrl = serviceUrls.get(chatId);
    if (!serviceUrl) {
      throw new ChannelSendError(
        `Teams: no serviceUrl known for ${chatId} (the bot answers conversations that wrote to it)`,
        { retryable: false },
      );
    }
    const inThread =
      target.chatType === 'channel' && account.replyStyle === 'thread' && target.threadId;
    const conversationId = inThread ? `${chatId};messageid=${target.threadId}` : chatId;
    // A top-level post in a channel answers nothing; elsewhere a reply names its question.
    const replyToId =
      target.chatType === 'channel' && account.replyStyle === 'top-level'
        ? undefined
        : replyToMessageId;
    const sent = await connector.send({
      serviceUrl,
      conversationId,
      activity: {
        type: 'message',
        text,
        textFormat: 'markdown',
        ...(replyToId ? { replyToId } : {}),
      },
    });
    return { platformMessageId: sent.id };
  };

  return {
    sendText: (input) => send(input.target, input.text, input.replyToMessageId),
    sendMedia: (input) => {
      // Files need Graph/SharePoint permissions the bot does not have: URLs go as links.
      if (!/^https?:\/\//i.test(input.source)) {
        throw new ChannelSendError(
          `Teams bots cannot upload workspace files here; ${input.source} was not sent (name a URL instead)`,
          { retryable: false },
        );
      }
      const text = [input.caption, input.source].filter(Boolean).join('\n\n');
      return send(input.target, text, input.replyToMessageId);
    },
    probe,
    stop: () => {
      stopping.abort();
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}
