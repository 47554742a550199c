/**
 * One running BlueBubbles account: checks the server (`/api/v1/server/info`), serves the
 * webhook on the gateway's port, and sends through the REST API.
 */
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import type { BlueBubblesAccount } from './config.js';
import { normalizeBlueBubblesMessage, type BlueBubblesMessage } from './normalize.js';
import { BlueBubblesOutbound } from './outbound.js';
import { BlueBubblesClient } from './rest-client.js';
import { blueBubblesWebhookRoute } from './webhook.js';

/** What /api/v1/server/info tells (the parts we show). */
interface ServerInfo {
  detected_icloud?: string;
  server_version?: string;
  private_api?: boolean;
}

/** Start one account; throws with the reason when the server cannot be used. */
export async function startBlueBubblesAccount(
  context: ChannelStartContext<BlueBubblesAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.serverUrl || !account.password) {
    throw new Error('no BlueBubbles server or password: set serverUrl and password');
  }
  const client = new BlueBubblesClient(account.serverUrl.replace(/\/+$/, ''), account.password);
  const whoAmI = async () => {
    const info = await client.request<ServerInfo>('GET', '/api/v1/server/info');
    return info?.detected_icloud || 'BlueBubbles';
  };
  const botName = await whoAmI().catch((error: Error) => {
    throw new Error(`BlueBubbles server unusable: ${error.message}`, { cause: error });
  });
  const outbound = new BlueBubblesOutbound(client, account.sendMethod);

  const onMessage = async (message: BlueBubblesMessage) => {
    const inbound = normalizeBlueBubblesMessage(message, account.mentionNames, accountId, (guid) =>
      client.download(guid),
    );
    if (!inbound) return;
    const outcome = await context.receive(inbound);
    logger.debug('bluebubbles message taken', {
      guid: inbound.platformMessageId,
      status: outcome.status,
    });
    if (outcome.status === 'accepted' && account.ackReaction) {
      const target = {
        channel: 'bluebubbles',
        accountId,
        chatType: inbound.chatType,
        chatId: inbound.chatId,
        platformMessageId: inbound.platformMessageId,
      };
      // A tapback is a courtesy: its failure must not fail the webhook call.
      await outbound
        .react(target, inbound.platformMessageId, account.ackReaction)
        .catch((error: Error) => logger.warn(`ack reaction failed: ${error.message}`));
    }
  };
  const served = context.registerHttpRoute?.(
    blueBubblesWebhookRoute({ path: account.webhookPath, password: account.password, onMessage }),
  );
  if (!served) {
    throw new Error('the gateway serves no HTTP in this process: the webhook cannot be received');
  }
  context.setStatus({ connected: true, botName });
  logger.info('bluebubbles account started', {
    server: account.serverUrl,
    webhook: account.webhookPath,
  });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    probe: async () => ({ botName: await whoAmI() }),
    stop: () => {
      context.setStatus({ connected: false });
      return Promise.resolve();
    },
  };
}
