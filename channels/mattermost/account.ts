/**
 * One running Mattermost account: Client4 for the REST API v4 (the bot from /users/me,
 * posts, files), the WebSocket event stream feeding `posted` events to the channel runtime,
 * and the outbound calls.
 */
import mattermost from '@mattermost/client';
import type { ChannelAccountHandle, ChannelStartContext } from '../types.js';
import { credentialsOf, type MattermostAccount } from './config.js';
import { openEventStream } from './event-stream.js';
import { normalizePosted, type MattermostBot } from './normalize.js';
import { MattermostOutbound } from './outbound.js';

/** Connect one account; throws (with the server's reason) when it cannot start. */
export async function startMattermostAccount(
  context: ChannelStartContext<MattermostAccount>,
  env: NodeJS.ProcessEnv,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const credentials = credentialsOf(account, accountId, env);
  if (!credentials) throw new Error('no Mattermost server or token: set baseUrl and botToken');
  const client = new mattermost.Client4();
  client.setUrl(credentials.baseUrl);
  client.setToken(credentials.botToken);
  const bot = await whoAmI(client);
  context.setStatus({ botName: `@${bot.username}` });

  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const download = async (fileId: string) => {
    const response = await fetch(`${client.getFilesRoute()}/${fileId}`, {
      headers: { authorization: `Bearer ${credentials.botToken}` },
      signal,
    });
    if (!response.ok || !response.body) {
      throw new Error(`Mattermost file download failed: HTTP ${response.status}`);
    }
    return response.body;
  };

  // Posts of one channel are handed over in order; channels in parallel.
  const queues = new Map<string, Promise<void>>();
  const stream = openEventStream({
    baseUrl: credentials.baseUrl,
    token: credentials.botToken,
    logger,
    signal,
    onConnected: (connected, reason) =>
      context.setStatus(
        connected ? { connected } : { connected, lastError: reason ?? 'disconnected' },
      ),
    onEvent: (event) => {
      const inbound = normalizePosted(event, bot, account, accountId, download);
      if (!inbound) return;
      const previous = queues.get(inbound.chatId) ?? Promise.resolve();
      const next = previous.then(async () => {
        try {
          const outcome = await context.receive(inbound);
          logger.debug('post taken', {
            channelId: inbound.chatId,
            postId: inbound.platformMessageId,
            status: outcome.status,
          });
        } catch (error) {
          // The event stream has no redelivery: say which post was lost and why.
          logger.error(
            `post ${inbound.platformMessageId} not handed to the agent: ${(error as Error).message}`,
          );
        }
      });
      queues.set(inbound.chatId, next);
      void next.then(() => {
        if (queues.get(inbound.chatId) === next) queues.delete(inbound.chatId);
      });
    },
  });
  const outbound = new MattermostOutbound(client, bot.id, (action, data) =>
    stream.send(action, data),
  );
  logger.info('mattermost account started', { bot: bot.username, server: credentials.baseUrl });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    sendTyping: (target) => outbound.sendTyping(target),
    probe: async () => ({ botName: `@${(await whoAmI(client)).username}` }),
    stop: async () => {
      stopping.abort();
      await stream.done;
      await Promise.all(queues.values());
      context.setStatus({ connected: false });
    },
  };
}

async function whoAmI(client: InstanceType<typeof mattermost.Client4>): Promise<MattermostBot> {
  try {
    const me = await client.getMe();
    return { id: me.id, username: me.username };
  } catch (error) {
    const status = error instanceof mattermost.ClientError ? error.status_code : undefined;
    const reason =
      status === 401
        ? 'Mattermost rejected the bot token (401): check botToken'
        : `Mattermost /users/me failed: ${error instanceof Error ? error.message : String(error)}`;
    throw new Error(reason, { cause: error });
  }
}
