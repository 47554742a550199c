import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Client, SendableChannels } from 'discord.js';
import { ChannelSendError } from '../types.js';
import type { DeliveryTarget, SendMediaInput, SendTextInput, SentMessage } from '../types.js';
import { toChannelSendError } from './errors.js';

/**
 * Who may be pinged by a reply: users the model names, and the author of the message
 * replied to; never @everyone, @here or roles, whatever text the model writes.
 */
const allowedMentions = { parse: ['users' as const], repliedUser: true };

/** The chat or thread a delivery goes to, from the client's cache or GET /channels/{id}. */
async function sendableChannel(client: Client, target: DeliveryTarget): Promise<SendableChannels> {
  const id = target.threadId ?? target.chatId;
  const channel = await client.channels.fetch(id);
  if (!channel?.isSendable()) {
    throw new ChannelSendError(`Discord channel ${id} does not take messages`, {
      retryable: false,
    });
  }
  return channel;
}

/**
 * Discord's idempotency key: a nonce (at most 25 characters) with enforce_nonce makes
 * Discord return the first message for a repeated send within a few minutes instead of
 * posting it twice — a second guard behind the runtime's record of sent chunks.
 */
export function nonceFor(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('hex').slice(0, 25);
}

function replyOption(replyToMessageId: string | undefined) {
  // failIfNotExists false: a deleted trigger message must not make the reply undeliverable.
  return replyToMessageId
    ? { reply: { messageReference: replyToMessageId, failIfNotExists: false } }
    : {};
}

/** Post one chunk of text. */
export async function sendText(client: Client, input: SendTextInput): Promise<SentMessage> {
  try {
    const channel = await sendableChannel(client, input.target);
    const message = await channel.send({
      content: input.text,
      allowedMentions,
      nonce: nonceFor(input.deliveryId),
      enforceNonce: true,
      ...replyOption(input.replyToMessageId),
    });
    return { platformMessageId: message.id };
  } catch (error) {
    throw toChannelSendError(error);
  }
}

/** Upload a local file or a URL (discord.js reads or fetches it) with an optional caption. */
export async function sendMedia(client: Client, input: SendMediaInput): Promise<SentMessage> {
  try {
    const channel = await sendableChannel(client, input.target);
    const name = decodeURIComponent(basename(new URL(input.source, 'file:///').pathname)) || 'file';
    const message = await channel.send({
      ...(input.caption ? { content: input.caption } : {}),
      files: [{ attachment: input.source, name }],
      allowedMentions,
      nonce: nonceFor(input.deliveryId),
      enforceNonce: true,
      ...replyOption(input.replyToMessageId),
    });
    return { platformMessageId: message.id };
  } catch (error) {
    throw toChannelSendError(error);
  }
}

/** "Bot is typing…" for about ten seconds (the runtime refreshes it while a turn runs). */
export async function sendTyping(client: Client, target: DeliveryTarget): Promise<void> {
  try {
    await (await sendableChannel(client, target)).sendTyping();
  } catch (error) {
    throw toChannelSendError(error);
  }
}

/** Replace the text of a message the bot sent. */
export async function editText(
  client: Client,
  target: DeliveryTarget,
  platformMessageId: string,
  text: string,
): Promise<void> {
  try {
    const channel = await sendableChannel(client, target);
    await channel.messages.edit(platformMessageId, { content: text, allowedMentions });
  } catch (error) {
    throw toChannelSendError(error);
  }
}
