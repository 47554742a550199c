/**
 * Who may start a turn: OpenClaw's dmPolicy / groupPolicy rules (inventory 3.3), decided in
 * one pure function so every channel drops the same messages for the same logged reason —
 * a bot that is silent without saying why is the complaint users of other assistants make.
 */
import type { ChannelInbound, CommonAccountOptions } from '../types.js';

/** Why a message runs no turn. */
export type AccessDropReason = 'dm-not-allowed' | 'group-not-allowed' | 'no-mention';

/** The verdict on one inbound message. */
export type AccessDecision =
  | { allow: true }
  | { allow: false; reason: AccessDropReason }
  | { allow: false; reason: 'pairing-needed' };

/** The options access depends on (every channel account has them). */
export type AccessOptions = Pick<
  CommonAccountOptions,
  'dmPolicy' | 'allowFrom' | 'groupPolicy' | 'groupAllowFrom' | 'groups'
>;

/** The inbound fields access depends on. */
export type AccessInbound = Pick<ChannelInbound, 'chatType' | 'chatId' | 'senderId' | 'mentioned'> &
  Partial<Pick<ChannelInbound, 'text'>>;

const WILDCARD = '*';

const lists = (ids: readonly string[] | undefined, senderId: string) =>
  ids !== undefined && (ids.includes(WILDCARD) || ids.includes(senderId));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` names the bot (`@name` or the bare name as a word), case-insensitively. */
export function mentionsBotName(text: string, botNames: readonly string[]): boolean {
  return botNames
    .map((name) => name.trim().replace(/^@/, ''))
    .filter((name) => name !== '')
    .some((name) =>
      new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'iu').test(text),
    );
}

/**
 * Decide whether `inbound` starts a turn.
 *
 * Direct messages: `disabled` drops; `open` allows anyone (the schema makes it say `"*"`);
 * `allowlist` allows senders in `allowFrom` plus the pairing store's approved ids;
 * `pairing` allows the same senders and answers anyone else with a pairing code.
 *
 * Groups and channels: `disabled` drops. `open` lets every group in (no group or sender
 * lists apply). `allowlist` — the default — lets a message in when either
 *  - the chat is listed in `groups` (by id, or the `"*"` entry) and its sender passes that
 *    group's sender list: `groups.<id>.allowFrom`, else `groups["*"].allowFrom`, else
 *    `groupAllowFrom`; an empty list lets every member of a listed group in; or
 *  - the chat is not listed but the sender is in `groupAllowFrom` ("only I can trigger it,
 *    in any group", as OpenClaw documents).
 * With neither `groups` nor `groupAllowFrom`, no group gets in (OpenClaw: an empty group
 * allowlist blocks every group). Approved pairing ids are for direct messages only.
 * Under any policy `groups.<id>.enabled: false` (else `"*"`'s) drops, and
 * `requireMention` (the chat's, else `"*"`'s, default true) needs a mention: the platform's
 * mention or a reply to the bot (`inbound.mentioned`), or one of `botNames` in the text.
 */
export function decideAccess(
  options: AccessOptions,
  inbound: AccessInbound,
  approvedAllowFrom: readonly string[] = [],
  botNames: readonly string[] = [],
): AccessDecision {
  if (inbound.chatType === 'direct') {
    switch (options.dmPolicy) {
      case 'disabled':
        return { allow: false, reason: 'dm-not-allowed' };
      case 'open':
        return { allow: true };
      case 'allowlist':
      case 'pairing': {
        const known =
          lists(options.allowFrom, inbound.senderId) || lists(approvedAllowFrom, inbound.senderId);
        if (known) return { allow: true };
        return options.dmPolicy === 'pairing'
          ? { allow: false, reason: 'pairing-needed' }
          : { allow: false, reason: 'dm-not-allowed' };
      }
    }
  }
  if (options.groupPolicy === 'disabled') return { allow: false, reason: 'group-not-allowed' };
  const own = options.groups[inbound.chatId];
  const fallback = options.groups[WILDCARD];
  if ((own?.enabled ?? fallback?.enabled) === false) {
    return { allow: false, reason: 'group-not-allowed' };
  }
  if (options.groupPolicy === 'allowlist') {
    const listed = own !== undefined || fallback !== undefined;
    const senders = own?.allowFrom ?? fallback?.allowFrom ?? options.groupAllowFrom;
    const allowed = listed
      ? senders.length === 0 || lists(senders, inbound.senderId)
      : lists(options.groupAllowFrom, inbound.senderId);
    if (!allowed) return { allow: false, reason: 'group-not-allowed' };
  }
  const requireMention = own?.requireMention ?? fallback?.requireMention ?? true;
  const mentioned = inbound.mentioned || mentionsBotName(inbound.text ?? '', botNames);
  if (requireMention && !mentioned) return { allow: false, reason: 'no-mention' };
  return { allow: true };
}
