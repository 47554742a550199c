/**
 * The message hooks around every channel (built-in or plugin), without the channel layer
 * knowing about plugins: the channel's `start` is wrapped so that an accepted inbound
 * message fires message_received, and each outbound text passes message_sending (which may
 * rewrite or cancel it) and then fires message_sent. Sends run in the delivery activity,
 * whose per-chunk delivery id keeps a retried send from going out twice.
 */
import type { ChannelAccountHandle, ChannelPlugin } from '../../channels/types.js';
import type { Logger } from '../logger.js';
import { hasHook, runMessageSending, runObservingHook } from './hooks.js';
import type { PluginRegistry } from './registry.js';

/** `channel` with the message hooks, or `channel` itself when no plugin registered one. */
export function withMessageHooks(
  channel: ChannelPlugin,
  registry: PluginRegistry,
  logger: Logger,
): ChannelPlugin {
  const hooked = ['message_received', 'message_sending', 'message_sent'] as const;
  if (!hooked.some((hook) => hasHook(registry, hook))) return channel;
  return {
    ...channel,
    async start(context) {
      const handle: ChannelAccountHandle = await channel.start({
        ...context,
        async receive(message) {
          const outcome = await context.receive(message);
          if (outcome.status === 'accepted') {
            await runObservingHook(
              registry,
              'message_received',
              {
                channel: channel.id,
                accountId: message.accountId,
                chatId: message.chatId,
                senderId: message.senderId,
                text: message.text,
                sessionKey: outcome.sessionKey,
              },
              logger,
            );
          }
          return outcome;
        },
      });
      return {
        ...handle,
        async sendText(input) {
          const where = {
            channel: channel.id,
            accountId: context.accountId,
            chatId: input.target.chatId,
          };
          const sending = await runMessageSending(registry, { ...where, text: input.text }, logger);
          // A cancelled chunk counts as delivered (nothing to retry) under a made-up id.
          if (sending.cancel) return { platformMessageId: `cancelled:${input.deliveryId}` };
          const sent = await handle.sendText({ ...input, text: sending.text });
          await runObservingHook(
            registry,
            'message_sent',
            { ...where, text: sending.text, platformMessageId: sent.platformMessageId },
            logger,
          );
          return sent;
        },
      };
    },
  };
}
