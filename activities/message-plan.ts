/**
 * `message.plan`: where a message tool call goes, and whether it may. A chat session's
 * tool is bound to its own chat; any other chat needs `tools.message.crossContext` or an
 * entry of `tools.message.allowTargets`, and the refusal names both. A turn without a
 * channel (the owner at the gateway: WebChat, CLI, HTTP) is bound to nothing. A session
 * key as target is resolved to the chat its replies last went to.
 */
import type { Config } from '../core/config/schema.js';
import type { SessionStore } from '../core/sessions/index.js';
import type { MessagePlan, MessagePlanInput } from '../workflows/message-tool.js';
import type { DeliveryTarget } from '../workflows/types.js';
import { channelConfigured } from './tools/channel-actions.js';
import { messagingChannels, type MessageArgs } from './tools/message.js';

/** What planning reads. */
export interface MessagePlanDeps {
  config: () => Config;
  store: SessionStore;
}

/** How far back a session's transcript is searched for the chat its replies went to. */
const routeLookback = 256;

const isSessionKey = (target: string) => target.startsWith('agent:');

/** The chat kind a session key names (OpenClaw's key shapes: see channels/shared/routing.ts). */
function chatTypeOfKey(key: string): DeliveryTarget['chatType'] {
  if (/:group:/.test(key)) return 'group';
  if (/:channel:/.test(key)) return 'channel';
  return 'direct';
}

/** The chat a session's replies last went to, from its transcript's delivery entries. */
async function sessionRoute(
  store: SessionStore,
  key: string,
): Promise<Omit<DeliveryTarget, 'platformMessageId'> | undefined> {
  const session = await store.get(key);
  if (!session) return undefined;
  const entries = await store.readEntries(session.sessionId, { limit: routeLookback });
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.type !== 'delivery' || entry.status !== 'sent') continue;
    const thread = /:thread:([^:]+)$/.exec(key)?.[1];
    return {
      channel: entry.channel,
      accountId: entry.accountId,
      chatId: entry.chatId,
      chatType: chatTypeOfKey(key),
      ...(thread !== undefined ? { threadId: thread } : {}),
    };
  }
  return undefined;
}

const refuse = (text: string): MessagePlan => ({ ok: false, text });

function allowedElsewhere(config: Config, target: DeliveryTarget, named: string | undefined) {
  const { crossContext, allowTargets } = config.tools.message;
  if (crossContext) return true;
  return allowTargets.some(
    (allowed) =>
      allowed === `${target.channel}:${target.chatId}` ||
      allowed === `${target.channel}:*` ||
      (named !== undefined && allowed.toLowerCase() === named.toLowerCase()),
  );
}

/** Resolve and check one call. */
export async function planMessage(
  deps: MessagePlanDeps,
  input: MessagePlanInput,
): Promise<MessagePlan> {
  const config = deps.config();
  const args: MessageArgs = input.args;
  const origin = input.origin;
  const configured = messagingChannels(config);
  const named = args.target;
  let base: Omit<DeliveryTarget, 'platformMessageId'>;
  if (named !== undefined && isSessionKey(named)) {
    const route = await sessionRoute(deps.store, named.toLowerCase());
    if (!route) {
      return refuse(
        `Session ${named} has no chat on a messaging channel to send to (none of its replies ` +
          'went to one yet). Name a channel and a chat id instead.',
      );
    }
    if (args.channel !== undefined && args.channel !== route.channel) {
      return refuse(`Session ${named} is on ${route.channel}, not ${args.channel}.`);
    }
    base = { ...route, ...(args.threadId !== undefined ? { threadId: args.threadId } : {}) };
  } else {
    const channel = args.channel ?? origin?.channel;
    if (channel === undefined) {
      return refuse(
        'message needs a channel: this conversation did not come from a messaging channel. ' +
          `Configured: ${configured.join(', ') || 'none'}.`,
      );
    }
    if (!channelConfigured(config, channel)) {
      return refuse(
        `Channel "${channel}" is not configured. Configured: ${configured.join(', ') || 'none'}.`,
      );
    }
    const here = origin?.channel === channel ? origin : undefined;
    const chatId = named ?? here?.chatId;
    if (chatId === undefined) {
      return refuse(
        `message needs a target: a ${channel} chat, user or thread id, or a session key.`,
      );
    }
    const sameChat = here !== undefined && here.chatId === chatId;
    const threadId = args.threadId ?? (sameChat ? here.threadId : undefined);
    base = {
      channel,
      accountId: args.accountId ?? here?.accountId ?? 'default',
      chatId,
      // Unknown for a chat named by id; 'channel' lets platforms thread a reply under replyTo.
      chatType: sameChat ? here.chatType : 'channel',
      ...(threadId !== undefined ? { threadId } : {}),
    };
  }
  const own =
    origin !== undefined &&
    origin.channel === base.channel &&
    origin.accountId === base.accountId &&
    origin.chatId === base.chatId;
  const label = `${base.channel} chat ${base.chatId}${base.threadId !== undefined ? ` (thread ${base.threadId})` : ''}`;
  if (
    origin !== undefined &&
    !own &&
    !allowedElsewhere(config, { ...base, platformMessageId: '' }, named)
  ) {
    return refuse(
      `Cross-context messaging denied: this conversation is bound to its own chat ` +
        `(${origin.channel} chat ${origin.chatId}), and ${label} is another one. The owner can ` +
        'allow it with tools.message.crossContext: true, or list the target in ' +
        'tools.message.allowTargets (e.g. "' +
        `${base.channel}:${base.chatId}"). Nothing was sent.`,
    );
  }
  let replyTo: string | undefined;
  if (args.action === 'reply') {
    replyTo = args.replyTo ?? (own ? origin.platformMessageId : undefined);
    if (replyTo === undefined)
      return refuse('reply needs replyTo: the id of the message to answer.');
  } else if (args.action === 'send') {
    replyTo = args.replyTo;
  }
  if ((args.action === 'send' || args.action === 'reply') && !args.text && !args.media?.length) {
    return refuse(`${args.action} needs text or media.`);
  }
  if (
    (args.action === 'react' || args.action === 'edit' || args.action === 'delete') &&
    !args.messageId
  ) {
    return refuse(`${args.action} needs messageId.`);
  }
  if (args.action === 'react' && !args.emoji && !args.remove) return refuse('react needs emoji.');
  if (args.action === 'edit' && !args.text) return refuse('edit needs text.');
  return {
    ok: true,
    // Slack threads a reply under this; others quote `replyTo` on the first piece.
    target: { ...base, platformMessageId: replyTo ?? '' },
    label,
    ...(replyTo !== undefined ? { replyTo } : {}),
  };
}

/** The `message.plan` activity. */
export function createMessagePlanActivity(deps: MessagePlanDeps) {
  return {
    'message.plan': (input: MessagePlanInput): Promise<MessagePlan> => planMessage(deps, input),
  };
}
