/**
 * Slack operations beyond sending, through the account's Web API client (bolt's
 * app.client): reactions, pins, member info, the emoji list, edits, deletes and reading a
 * channel's recent messages. Used by the message tool and slack_actions.
 */
import type { webApi } from '@slack/bolt';
import type { ChannelChatRef, ChannelMessage } from '../types.js';
import { toChannelSendError } from './send-error.js';

/** slack_actions' input, as validated by its schema. */
interface SlackActionParams {
  channelId?: string;
  messageId?: string;
  userId?: string;
  emoji?: string;
  remove?: boolean;
  text?: string;
  limit?: number;
}

/** Slack names reactions without colons ("thumbsup"); a unicode emoji is not a name. */
const reactionName = (emoji: string) => emoji.replace(/^:|:$/g, '');

/** The Slack calls of one account. */
export class SlackActions {
  constructor(private readonly client: webApi.WebClient) {}

  /** reactions.add / reactions.remove on a message (its ts). */
  async react(target: ChannelChatRef, ts: string, emoji: string, options?: { remove?: boolean }) {
    const args = { channel: target.chatId, timestamp: ts, name: reactionName(emoji) };
    await this.call(options?.remove ? 'reactions.remove' : 'reactions.add', () =>
      options?.remove ? this.client.reactions.remove(args) : this.client.reactions.add(args),
    );
  }

  /** chat.delete of a message the bot sent. */
  async deleteMessage(target: ChannelChatRef, ts: string): Promise<void> {
    await this.call('chat.delete', () => this.client.chat.delete({ channel: target.chatId, ts }));
  }

  /** conversations.history (or .replies inside a thread), newest first. */
  async readMessages(
    target: ChannelChatRef,
    options: { limit: number },
  ): Promise<ChannelMessage[]> {
    const limit = Math.min(Math.max(options.limit, 1), 200);
    const result = target.threadId
      ? await this.call('conversations.replies', () =>
          this.client.conversations.replies({
            channel: target.chatId,
            ts: target.threadId!,
            limit,
          }),
        )
      : await this.call('conversations.history', () =>
          this.client.conversations.history({ channel: target.chatId, limit }),
        );
    const messages = (result.messages ?? []) as {
      ts?: string;
      user?: string;
      bot_id?: string;
      text?: string;
      thread_ts?: string;
    }[];
    return messages.map((message) => ({
      platformMessageId: message.ts ?? '',
      ...((message.user ?? message.bot_id) ? { senderId: message.user ?? message.bot_id } : {}),
      text: message.text ?? '',
      ...(message.ts ? { sentAt: Math.round(Number(message.ts) * 1000) } : {}),
      ...(message.thread_ts && message.thread_ts !== message.ts
        ? { threadId: message.thread_ts }
        : {}),
    }));
  }

  /** One slack_actions call. */
  async action(name: string, params: Record<string, unknown>): Promise<unknown> {
    const input = params as SlackActionParams;
    const channel = input.channelId ?? '';
    const ts = input.messageId ?? '';
    switch (name) {
      case 'react':
        await this.react({ chatId: channel }, ts, input.emoji ?? 'thumbsup', {
          remove: input.remove ?? false,
        });
        return { reacted: input.remove ? null : input.emoji, messageId: ts };
      case 'pin':
        await this.call('pins.add', () => this.client.pins.add({ channel, timestamp: ts }));
        return { pinned: ts };
      case 'unpin':
        await this.call('pins.remove', () => this.client.pins.remove({ channel, timestamp: ts }));
        return { unpinned: ts };
      case 'listPins': {
        const result = await this.call('pins.list', () => this.client.pins.list({ channel }));
        return (result.items ?? []).map((item) => ({
          messageId: item.message?.ts,
          text: item.message?.text,
          pinnedBy: item.created_by,
        }));
      }
      case 'memberInfo': {
        const result = await this.call('users.info', () =>
          this.client.users.info({ user: input.userId ?? '' }),
        );
        const user = result.user;
        return {
          userId: user?.id,
          name: user?.name,
          realName: user?.real_name ?? user?.profile?.real_name,
          displayName: user?.profile?.display_name,
          title: user?.profile?.title,
          timezone: user?.tz,
          isBot: user?.is_bot,
          isAdmin: user?.is_admin,
        };
      }
      case 'emojiList': {
        const result = await this.call('emoji.list', () => this.client.emoji.list());
        return Object.keys(result.emoji ?? {}).sort();
      }
      case 'edit':
        await this.call('chat.update', () =>
          this.client.chat.update({ channel, ts, text: input.text ?? '' }),
        );
        return { edited: ts };
      case 'delete':
        await this.deleteMessage({ chatId: channel }, ts);
        return { deleted: ts };
      case 'read':
        return this.readMessages({ chatId: channel }, { limit: input.limit ?? 20 });
      default:
        throw new Error(`slack has no action "${name}"`);
    }
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toChannelSendError(method, error);
    }
  }
}
