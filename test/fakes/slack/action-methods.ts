// Web API methods beyond posting: reactions, pins, the emoji list, deletes and channel
// history, with the arguments, answers and `error` strings of https://api.slack.com/methods.
import { SlackApiError, type Method } from './web-api.js';
import type { FakeWorkspace } from './workspace.js';

/** The methods, bound to one workspace. */
export function actionMethods(workspace: FakeWorkspace): Record<string, Method> {
  const channelOf = (id: string | undefined) => {
    const conversation = id ? workspace.conversations.get(id) : undefined;
    if (!conversation) throw new SlackApiError('channel_not_found');
    return conversation.id;
  };
  /** The message `timestamp` (or `ts`) names in `channel`, which must exist. */
  const messageOf = (args: Record<string, string>) => {
    const channel = channelOf(args.channel);
    const ts = args.timestamp ?? args.ts ?? '';
    const author = workspace.authorOf(channel, ts);
    if (author === undefined) throw new SlackApiError('message_not_found');
    return { channel, ts, author, key: `${channel}:${ts}` };
  };
  const known = (name: string) => /^[a-z0-9_+'-]+$/.test(name);
  return {
    'reactions.add': (args) => {
      const { key } = messageOf(args);
      const name = args.name ?? '';
      if (!known(name)) throw new SlackApiError('invalid_name');
      const names = workspace.reactions.get(key) ?? new Set<string>();
      if (names.has(name)) throw new SlackApiError('already_reacted');
      workspace.reactions.set(key, names.add(name));
      return {};
    },
    'reactions.remove': (args) => {
      const { key } = messageOf(args);
      if (!workspace.reactions.get(key)?.delete(args.name ?? '')) {
        throw new SlackApiError('no_reaction');
      }
      return {};
    },
    'pins.add': (args) => {
      const { key } = messageOf(args);
      if (workspace.pins.has(key)) throw new SlackApiError('already_pinned');
      workspace.pins.set(key, workspace.identity.botUserId);
      return {};
    },
    'pins.remove': (args) => {
      const { key } = messageOf(args);
      if (!workspace.pins.delete(key)) throw new SlackApiError('no_pin');
      return {};
    },
    'pins.list': (args) => {
      const channel = channelOf(args.channel);
      const items = [...workspace.pins.entries()]
        .filter(([key]) => key.startsWith(`${channel}:`))
        .map(([key, pinnedBy]) => {
          const ts = key.slice(channel.length + 1);
          const message = workspace.history.find(
            (entry) => entry.channel === channel && entry.ts === ts,
          );
          return {
            type: 'message',
            channel,
            created: Math.floor(Date.now() / 1000),
            created_by: pinnedBy,
            message: { type: 'message', ts, user: message?.user, text: message?.text ?? '' },
          };
        });
      return { items };
    },
    'emoji.list': () => ({ emoji: { ...workspace.emoji }, cache_ts: '1700000000.000000' }),
    'chat.delete': (args) => {
      const { channel, ts, author } = messageOf(args);
      if (author !== workspace.identity.botUserId) throw new SlackApiError('cant_delete_message');
      workspace.forget(channel, ts);
      return { channel, ts };
    },
    'conversations.history': (args) => {
      const channel = channelOf(args.channel);
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
      const all = workspace.history.filter((entry) => entry.channel === channel).reverse();
      return {
        messages: all.slice(0, limit).map((entry) => ({
          type: 'message',
          user: entry.user,
          text: entry.text,
          ts: entry.ts,
        })),
        has_more: all.length > limit,
        response_metadata: { next_cursor: '' },
      };
    },
  };
}
