/**
 * What the channel methods (channels.*, pairing.*) ask of the process's channel manager
 * (channels/runtime), and the shapes they answer with. The gateway knows only this.
 */
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import type { RequestContext } from './types.js';

/** One channel account's live status. */
export const channelAccountStatusSchema = z.object({
  channel: z.string(),
  accountId: z.string(),
  configured: z.boolean(),
  enabled: z.boolean(),
  running: z.boolean(),
  connected: z.boolean(),
  botName: z.string().optional(),
  lastInboundAt: z.number().optional(),
  lastOutboundAt: z.number().optional(),
  lastError: z.string().optional(),
  lastErrorAt: z.number().optional(),
});
/** One channel account's live status. */
export type ChannelAccountStatusView = z.infer<typeof channelAccountStatusSchema>;

/** A pending pairing request. */
export const pairingRequestSchema = z.object({
  channel: z.string(),
  senderId: z.string(),
  code: z.string(),
  /** ISO 8601. */
  createdAt: z.string(),
  meta: z.record(z.string(), z.string()).optional(),
});

/** The channel manager as the gateway sees it. */
export interface ChannelControl {
  /** Ids of the channels this build knows (configured or not). */
  knownChannels(): string[];
  status(): ChannelAccountStatusView[];
  logout(channel: string, accountId?: string): Promise<ChannelAccountStatusView[]>;
  pairingList(channel?: string): Promise<z.infer<typeof pairingRequestSchema>[]>;
  pairingApprove(
    channel: string,
    code: string,
    notify: boolean,
  ): Promise<
    | { approved: false }
    | { approved: true; channel: string; senderId: string; notified: boolean; notifyError?: string }
  >;
}

/** The channel manager, or UNAVAILABLE (this gateway runs no channel runtime). */
export function requireChannels(context: RequestContext): ChannelControl {
  const channels = context.gateway.deps.channelControl;
  if (channels === undefined) {
    throw new ClawdbotError('UNAVAILABLE', 'Channels are not available on this gateway');
  }
  return channels;
}

/** Reject a channel id this build does not know. */
export function assertKnownChannel(channels: ChannelControl, channel: string): void {
  if (!channels.knownChannels().includes(channel)) {
    throw new ClawdbotError(
      'INVALID_REQUEST',
      `unknown channel "${channel}" (known: ${channels.knownChannels().join(', ') || 'none'})`,
      { channel },
    );
  }
}
