/**
 * One running Signal account: optionally its own signal-cli daemon, the SSE event stream
 * feeding envelopes to the channel runtime (one chat at a time, in order), and the
 * outbound calls.
 */
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import type { SignalAccount } from './config.js';
import { startSignalDaemon, type SignalDaemon } from './daemon.js';
import { runSignalEventStream } from './event-stream.js';
import {
  normalizeEnvelope,
  type SignalAttachmentFetcher,
  type SignalEnvelope,
} from './normalize.js';
import { SignalOutbound } from './outbound.js';
import { SignalRpcClient } from './rpc-client.js';

/** Connect one account; throws with the reason when it cannot start. */
export async function startSignalAccount(
  context: ChannelStartContext<SignalAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  if (!account.account) throw new Error("no Signal number: set account (the bot's E.164 number)");
  const botNumber = account.account;
  const baseUrl = account.httpUrl.replace(/\/+$/, '');
  const client = new SignalRpcClient(baseUrl, botNumber);
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);

  let daemon: SignalDaemon | undefined;
  if (account.autoStart) {
    daemon = await startSignalDaemon({
      cliPath: account.cliPath,
      account: botNumber,
      httpUrl: baseUrl,
      client,
      timeoutMs: account.startupTimeoutMs,
      logger,
      signal,
    });
  } else if (!(await client.check())) {
    throw new Error(`signal-cli daemon not reachable at ${baseUrl} (is it started with --http?)`);
  }
  context.setStatus({ botName: botNumber });

  const fetchAttachment: SignalAttachmentFetcher = async (attachment, from) => {
    const result = await client.call<{ data?: string }>('getAttachment', {
      id: attachment.id,
      ...from,
    });
    if (!result?.data)
      throw new Error(`signal-cli returned no data for attachment ${attachment.id}`);
    return Buffer.from(result.data, 'base64');
  };

  const handleEnvelope = async (envelope: SignalEnvelope) => {
    const inbound = normalizeEnvelope(envelope, { number: botNumber }, accountId, fetchAttachment);
    if (!inbound) return;
    try {
      const outcome = await context.receive(inbound);
      logger.debug('signal message taken', {
        chatId: inbound.chatId,
        messageId: inbound.platformMessageId,
        status: outcome.status,
      });
    } catch (error) {
      logger.error(
        `signal message ${inbound.platformMessageId} not handed to the agent: ${(error as Error).message}`,
      );
    }
  };

  const stream = runSignalEventStream({
    baseUrl,
    account: botNumber,
    logger,
    signal,
    onConnected: (connected, reason) =>
      context.setStatus(
        connected ? { connected } : { connected, lastError: reason ?? 'disconnected' },
      ),
    onEvent: async (event) => {
      if (event.event !== 'receive') return;
      let payload: { envelope?: SignalEnvelope };
      try {
        payload = JSON.parse(event.data) as { envelope?: SignalEnvelope };
      } catch {
        logger.warn('signal-cli sent an event that is not JSON', {
          data: event.data.slice(0, 200),
        });
        return;
      }
      if (payload.envelope) await handleEnvelope(payload.envelope);
    },
  });
  const outbound = new SignalOutbound(client, botNumber);
  logger.info('signal account started', { account: botNumber, daemon: baseUrl });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    sendTyping: (target) => outbound.sendTyping(target),
    probe: async () => {
      if (!(await client.check())) throw new Error(`signal-cli daemon not reachable at ${baseUrl}`);
      return { botName: botNumber };
    },
    stop: async () => {
      stopping.abort();
      await stream;
      await daemon?.stop();
      context.setStatus({ connected: false });
    },
  };
}
