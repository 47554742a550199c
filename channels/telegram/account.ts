/**
 * One running Telegram bot account: a grammy `Bot` whose middleware hands each message to
 * the channel runtime, fed by long polling (default) or a webhook on the gateway's port.
 */
import { Bot, GrammyError } from 'grammy';
import type { ChannelAccountHandle, ChannelStartContext } from '../types.js';
import { resolveToken, webhookPathOf, type TelegramAccount } from './config.js';
import { normalizeMessage } from './normalize.js';
import { grammySignal } from './grammy-signal.js';
import { deleteMessage, react, telegramAction } from './actions.js';
import { editText, sendMedia, sendText, sendTyping } from './outbound.js';
import { runLongPolling } from './polling.js';
import { startWebhook } from './webhook.js';

/** Telegram's public Bot API server. */
export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** Connect one account; throws (with Telegram's reason) when the bot cannot start. */
export async function startTelegramAccount(
  context: ChannelStartContext<TelegramAccount>,
  env: NodeJS.ProcessEnv,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const token = await resolveToken(account, accountId, env);
  const apiRoot = (account.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
  const bot = new Bot(token, { client: { apiRoot } });
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const apiSignal = grammySignal(signal);

  // One getMe, not grammy's bot.init(), which retries network errors forever: a start
  // that cannot reach Telegram must fail so the runtime reports it and retries later.
  try {
    bot.botInfo = await bot.api.getMe(apiSignal);
  } catch (error) {
    const reason =
      error instanceof GrammyError && error.error_code === 401
        ? 'Telegram rejected the bot token (401 Unauthorized): check botToken'
        : `Telegram getMe failed: ${error instanceof Error ? error.message : String(error)}`;
    context.setStatus({ connected: false, lastError: reason });
    throw new Error(reason, { cause: error });
  }
  const botName = `@${bot.botInfo.username}`;
  context.setStatus({ botName });

  const download = async (fileId: string) => {
    const file = await bot.api.getFile(fileId, apiSignal);
    if (!file.file_path) throw new Error(`Telegram gave no file_path for ${fileId}`);
    const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, { signal });
    if (!response.ok || !response.body) {
      throw new Error(`Telegram file download failed: HTTP ${response.status}`);
    }
    return response.body;
  };

  bot.on(['message', 'channel_post'], async (ctx) => {
    const inbound = normalizeMessage(ctx.msg, ctx.me, accountId, download);
    if (!inbound) return;
    const outcome = await context.receive(inbound);
    logger.debug('message taken', {
      chatId: inbound.chatId,
      messageId: inbound.platformMessageId,
      status: outcome.status,
    });
  });

  let running: Promise<void> = Promise.resolve();
  if (account.webhookUrl) {
    await startWebhook({
      bot,
      url: account.webhookUrl,
      path: webhookPathOf(account),
      ...(account.webhookSecret !== undefined ? { secret: account.webhookSecret } : {}),
      logger,
      signal,
      registerHttpRoute: context.registerHttpRoute?.bind(context),
    });
    context.setStatus({ connected: true });
  } else {
    // A webhook left set by an earlier run makes getUpdates fail with 409 Conflict.
    await bot.api.deleteWebhook({}, apiSignal);
    context.setStatus({ connected: true });
    running = runLongPolling({
      bot,
      signal,
      logger,
      setStatus: (patch) => context.setStatus(patch),
    });
  }
  logger.info('telegram account started', {
    botName,
    mode: account.webhookUrl ? 'webhook' : 'long-polling',
  });

  return {
    sendText: (input) => sendText(bot.api, input),
    sendMedia: (input) => sendMedia(bot.api, input),
    sendTyping: (target) => sendTyping(bot.api, target),
    editText: (target, platformMessageId, text, options?: { formatted: boolean }) =>
      editText(bot.api, target, platformMessageId, text, options),
    react: (target, messageId, emoji, options) => react(bot.api, target, messageId, emoji, options),
    deleteMessage: (target, messageId) => deleteMessage(bot.api, target, messageId),
    action: (name, params) => telegramAction(bot.api, name, params),
    probe: async () => ({ botName: `@${(await bot.api.getMe()).username}` }),
    stop: async () => {
      stopping.abort();
      await running;
      context.setStatus({ connected: false });
    },
  };
}
