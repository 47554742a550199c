/**
 * One platform message → policy decision → (pairing reply | drop | a durable turn). The
 * promise resolves only once the message is queued in its session workflow (or dropped):
 * channels confirm platform offsets after that, so a crash before it re-delivers the
 * message and the message id makes the second delivery the same turn.
 */
import type { AgentService } from '../../core/agent/agent-service.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../workflows/types.js';
import { decideAccess } from '../shared/access.js';
import { saveInboundAttachment } from '../shared/media.js';
import type { PairingStore } from '../shared/pairing-store.js';
import { inboundMessageId, sessionKeyFor } from '../shared/routing.js';
import type {
  ChannelInbound,
  ChannelPlugin,
  CommonAccountOptions,
  DeliveryTarget,
  InboundOutcome,
  SendTextInput,
  SentMessage,
} from '../types.js';
import { pairingCodeText } from './pairing-messages.js';

/** Session routing settings, read from the current config on every message. */
export interface RoutingSettings {
  agentId: string;
  dmScope: 'main' | 'per-peer' | 'per-channel-peer' | 'per-account-channel-peer';
}

/** What receiving a message needs from the account and the process. */
export interface InboundDeps {
  plugin: ChannelPlugin;
  accountId: string;
  options: CommonAccountOptions;
  routing: () => RoutingSettings;
  agent: AgentService;
  pairing: PairingStore;
  /** Attachments are saved under `<workspaceDir>/inbox/`. */
  workspaceDir: string;
  logger: Logger;
  /** The bot's own names on the platform (mention by name). */
  botNames: () => string[];
  /** Send a text with the running account (the pairing reply); undefined while it starts. */
  sendText: ((input: SendTextInput) => Promise<SentMessage>) | undefined;
  /**
   * Whether this message already has its turn in the session's transcript. The session
   * workflow dedupes the ids it has seen while it runs; this covers a redelivery after it
   * ended (idle for an hour), when its list of seen ids is gone.
   */
  alreadyHandled(sessionKey: string, messageId: string): Promise<boolean>;
  /** A turn was queued for this message: the manager shows typing and streams drafts. */
  onAccepted(runId: string, sessionKey: string, target: DeliveryTarget): void;
}

/** The message's text plus what its attachments became (image inputs, file paths). */
async function withAttachments(
  deps: InboundDeps,
  inbound: ChannelInbound,
): Promise<Pick<InboundMessage, 'text' | 'attachments'>> {
  const images: NonNullable<InboundMessage['attachments']> = [];
  const notes: string[] = [];
  const maxBytes = Math.floor(deps.options.mediaMaxMb * 1024 * 1024);
  for (const attachment of inbound.attachments ?? []) {
    try {
      const saved = await saveInboundAttachment(deps.workspaceDir, attachment, maxBytes);
      if (attachment.kind === 'image' && saved.base64 !== undefined) {
        images.push({ type: 'image', mimeType: saved.mimeType, data: saved.base64 });
      }
      // The path too, so the model can hand an image on to a tool.
      notes.push(`[attachment: ${saved.path}]`);
    } catch (error) {
      deps.logger.warn(`attachment ${attachment.fileName} not saved: ${(error as Error).message}`);
      notes.push(`[attachment ${attachment.fileName} not received: ${(error as Error).message}]`);
    }
  }
  const text = [inbound.text, ...notes].filter((part) => part.trim() !== '').join('\n');
  return { text, ...(images.length > 0 ? { attachments: images } : {}) };
}

function dropped(
  deps: InboundDeps,
  inbound: ChannelInbound,
  reason: Extract<InboundOutcome, { status: 'dropped' }>['reason'],
): InboundOutcome {
  // Every drop is logged with its reason: a silent bot is the complaint we answer here.
  deps.logger.info(`dropped message: ${reason}`, {
    channel: deps.plugin.id,
    accountId: deps.accountId,
    chatType: inbound.chatType,
    chatId: inbound.chatId,
    senderId: inbound.senderId,
    reason,
  });
  return { status: 'dropped', reason };
}

async function pair(deps: InboundDeps, inbound: ChannelInbound): Promise<InboundOutcome> {
  const channel = deps.plugin.id;
  const request = await deps.pairing.request(channel, inbound.senderId, {
    accountId: deps.accountId,
    chatId: inbound.chatId,
    ...(inbound.senderName !== undefined ? { name: inbound.senderName } : {}),
  });
  if ('full' in request) {
    deps.logger.info('pairing request not created: 3 requests are already pending', {
      channel,
      senderId: inbound.senderId,
    });
    return dropped(deps, inbound, 'pairing-pending');
  }
  if (!request.created) return dropped(deps, inbound, 'pairing-pending');
  deps.logger.info(`pairing requested by ${inbound.senderId}: code ${request.code}`, { channel });
  const text = pairingCodeText({
    channel,
    idLabel: deps.plugin.idLabel,
    senderId: inbound.senderId,
    code: request.code,
  });
  try {
    if (!deps.sendText) throw new Error('the account is still starting');
    await deps.sendText({
      target: targetOf(deps, inbound),
      text,
      formatted: false,
      deliveryId: `pairing:${channel}:${inbound.senderId}:${request.code}`,
    });
  } catch (error) {
    // The request stands (the owner can approve it from `pairing list`); only the notice failed.
    deps.logger.warn(`pairing code not sent to ${inbound.senderId}: ${(error as Error).message}`);
  }
  return { status: 'pairing', code: request.code };
}

function targetOf(deps: InboundDeps, inbound: ChannelInbound): DeliveryTarget {
  return {
    channel: deps.plugin.id,
    accountId: deps.accountId,
    chatType: inbound.chatType,
    chatId: inbound.chatId,
    ...(inbound.threadId !== undefined ? { threadId: inbound.threadId } : {}),
    platformMessageId: inbound.platformMessageId,
  };
}

/** Handle one inbound platform message (ChannelStartContext.receive). */
export async function receiveInbound(
  deps: InboundDeps,
  inbound: ChannelInbound,
): Promise<InboundOutcome> {
  const channel = deps.plugin.id;
  const approved = await deps.pairing.allowFrom(channel);
  const decision = decideAccess(deps.options, inbound, approved, deps.botNames());
  if (!decision.allow) {
    if (decision.reason === 'pairing-needed') return pair(deps, inbound);
    return dropped(deps, inbound, decision.reason);
  }
  if (inbound.text.trim() === '' && (inbound.attachments?.length ?? 0) === 0) {
    return dropped(deps, inbound, 'empty');
  }
  const routing = deps.routing();
  const sessionKey = sessionKeyFor({
    agentId: routing.agentId,
    channel,
    accountId: deps.accountId,
    chatType: inbound.chatType,
    chatId: inbound.chatId,
    ...(inbound.threadId !== undefined ? { threadId: inbound.threadId } : {}),
    ...(inbound.threadKind !== undefined ? { threadKind: inbound.threadKind } : {}),
    senderId: inbound.senderId,
    dmScope: routing.dmScope,
  });
  const messageId = inboundMessageId(
    channel,
    deps.accountId,
    inbound.chatId,
    inbound.platformMessageId,
  );
  if (await deps.alreadyHandled(sessionKey, messageId)) {
    deps.logger.info(`${channel}:${deps.accountId}: message ${messageId} already answered`, {
      sessionKey,
    });
    return { status: 'duplicate', sessionKey, runId: messageId };
  }
  const target = targetOf(deps, inbound);
  const content = await withAttachments(deps, inbound);
  const { runId } = await deps.agent.send(sessionKey, {
    messageId,
    channel,
    ...content,
    receivedAt: Date.now(),
    delivery: target,
    // Who wrote it: the turn's tool policy tells the owner from everyone else by this id.
    senderId: inbound.senderId,
  });
  deps.onAccepted(runId, sessionKey, target);
  return { status: 'accepted', sessionKey, runId };
}
