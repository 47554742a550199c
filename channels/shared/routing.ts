/**
 * Which session an inbound message belongs to, and the id that makes a redelivered
 * message start no second turn. Session keys follow OpenClaw's scheme (inventory 3.6) so
 * users moving over keep their mental model (and `sessions.*` keys) as they were.
 */
import { buildSessionKey } from '../../core/sessions/session-key.js';
import type { ChatType } from '../types.js';

/** How direct messages map to sessions (`session.dmScope`). */
export type DmScope = 'main' | 'per-peer' | 'per-channel-peer' | 'per-account-channel-peer';

/** What a session key is derived from. */
export interface SessionKeyInput {
  agentId: string;
  channel: string;
  accountId: string;
  chatType: ChatType;
  /** The chat as the platform names it (the peer's chat for a DM, the group, the channel). */
  chatId: string;
  /** Thread or forum topic inside the chat. */
  threadId?: string;
  /** Telegram forum topics are part of the peer (`<chatId>:topic:<id>`), not a thread suffix. */
  threadKind?: 'thread' | 'topic';
  /** The sender: the peer of a direct message under the per-peer scopes. */
  senderId: string;
  /** Default `main`: every direct message on every channel shares the agent's main session. */
  dmScope?: DmScope;
  /** Overrides the peer id a channel would otherwise derive (identity links, special ids). */
  peerId?: string;
}

function requireId(name: string, value: string): string {
  if (value.trim() === '') throw new RangeError(`session key: ${name} is empty`);
  return value;
}

/**
 * The session key of an inbound message: direct messages by `dmScope` (`agent:<a>:main`,
 * `agent:<a>:dm:<peer>`, `agent:<a>:<channel>:dm:<peer>`,
 * `agent:<a>:<channel>:<account>:dm:<peer>`), groups `agent:<a>:<channel>:group:<id>`,
 * channels `agent:<a>:<channel>:channel:<id>`, then `:thread:<id>` for threads; lowercased.
 */
export function sessionKeyFor(input: SessionKeyInput): string {
  const channel = requireId('channel', input.channel);
  const topic = input.threadKind === 'topic' && input.threadId !== undefined;
  const thread = !topic && input.threadId !== undefined ? ['thread', input.threadId] : [];
  let parts: [string, ...string[]];
  if (input.chatType === 'direct') {
    const peer = requireId('peer id', input.peerId ?? input.senderId);
    switch (input.dmScope ?? 'main') {
      case 'main':
        parts = ['main'];
        break;
      case 'per-peer':
        parts = ['dm', peer];
        break;
      case 'per-channel-peer':
        parts = [channel, 'dm', peer];
        break;
      case 'per-account-channel-peer':
        parts = [channel, requireId('account id', input.accountId), 'dm', peer];
        break;
    }
  } else {
    const chat = requireId('chat id', input.chatId);
    const peer = input.peerId ?? (topic ? `${chat}:topic:${input.threadId}` : chat);
    parts = [channel, input.chatType, peer];
  }
  return buildSessionKey(input.agentId.toLowerCase(), ...parts, ...thread).toLowerCase();
}

/**
 * The id of one inbound message, `<channel>:<account>:<chat>:<platform message id>`: the
 * same platform message delivered twice (Telegram resends, Slack retries, a reconnect
 * replays) gets the same id, and the session workflow starts one turn for it.
 */
export function inboundMessageId(
  channel: string,
  accountId: string,
  chatId: string,
  platformMessageId: string,
): string {
  return [channel, accountId, chatId, platformMessageId]
    .map((part, index) =>
      requireId(['channel', 'account id', 'chat id', 'message id'][index] ?? '', part),
    )
    .join(':');
}
