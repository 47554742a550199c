/**
 * Webhook mode: Telegram POSTs each update to `webhookUrl`, served on the gateway's port
 * through grammy's `webhookCallback` (which checks X-Telegram-Bot-Api-Secret-Token). The
 * answer is sent only after the middleware — context.receive — finished; if it failed the
 * answer is a 500 and Telegram delivers the update again, so nothing is confirmed early.
 */
import { webhookCallback, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/logger.js';
import type { ChannelHttpRoute, ChannelStartContext } from '../types.js';
import { grammySignal } from './grammy-signal.js';
import { ALLOWED_UPDATES } from './polling.js';

type RouteRequest = Parameters<ChannelHttpRoute['handler']>[0];
type RouteResponse = Awaited<ReturnType<ChannelHttpRoute['handler']>>;

/** Options of webhook mode. */
export interface WebhookOptions {
  bot: Bot;
  url: string;
  path: string;
  secret?: string;
  logger: Logger;
  signal: AbortSignal;
  registerHttpRoute: ChannelStartContext<unknown>['registerHttpRoute'];
}

/** Register the route on the gateway, then tell Telegram where to post. */
export async function startWebhook(options: WebhookOptions): Promise<void> {
  const { bot, logger, signal } = options;
  const handleUpdate = webhookCallback(bot, routeAdapter, {
    ...(options.secret !== undefined ? { secretToken: options.secret } : {}),
    onTimeout: 'throw',
    // Telegram itself gives up on a webhook call after about a minute.
    timeoutMilliseconds: 50_000,
  });
  const route: ChannelHttpRoute = {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      // A stopped account must not take updates it can no longer hand on.
      if (signal.aborted) return { status: 503, body: { error: 'telegram account stopped' } };
      try {
        return await handleUpdate(request);
      } catch (error) {
        logger.warn('webhook update not taken; Telegram will send it again', {
          reason: error instanceof Error ? error.message : String(error),
        });
        return { status: 500, body: { error: 'update not taken' } };
      }
    },
  };
  if (!options.registerHttpRoute?.(route)) {
    throw new Error('webhook mode needs the gateway HTTP server in this process');
  }
  await bot.api.setWebhook(
    options.url,
    {
      allowed_updates: [...ALLOWED_UPDATES],
      ...(options.secret !== undefined ? { secret_token: options.secret } : {}),
    },
    grammySignal(signal),
  );
  logger.info('webhook set', { url: options.url, path: options.path });
}

/** grammy's framework-adapter shape for our route handler's request and response. */
function routeAdapter(request: RouteRequest) {
  let settle: (response: RouteResponse) => void = () => {};
  const handlerReturn = new Promise<RouteResponse>((resolve) => (settle = resolve));
  const header = request.headers['x-telegram-bot-api-secret-token'];
  return {
    update: Promise.resolve().then(() => JSON.parse(request.rawBody.toString('utf8')) as Update),
    ...(header !== undefined ? { header: Array.isArray(header) ? header[0] : header } : {}),
    end: () => settle({ status: 200 }),
    respond: (json: string) =>
      settle({
        status: 200,
        body: JSON.parse(json) as unknown,
        headers: { 'content-type': 'application/json' },
      }),
    unauthorized: () => settle({ status: 401, body: { error: 'secret token mismatch' } }),
    handlerReturn,
  };
}
