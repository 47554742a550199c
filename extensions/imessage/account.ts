/**
 * One running iMessage account: a supervised `imsg rpc` child subscribed to new messages
 * (`watch.subscribe`, resumed after a restart from the last row seen so nothing that
 * arrived meanwhile is lost), messages handed to the runtime in order, and `send`.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { ChannelAccountHandle, ChannelStartContext } from '../../channels/types.js';
import type { IMessageAccount } from './config.js';
import { normalizeImsgMessage, type ImsgFileReader, type ImsgMessage } from './normalize.js';
import { ImsgOutbound } from './outbound.js';
import { ImsgProcess } from './rpc-process.js';

/** Start one account; throws with imsg's own words when it cannot run. */
export async function startImessageAccount(
  context: ChannelStartContext<IMessageAccount>,
): Promise<ChannelAccountHandle> {
  const { account, accountId, logger } = context;
  const stopping = new AbortController();
  const signal = AbortSignal.any([context.signal, stopping.signal]);
  const readMacFile: ImsgFileReader = account.remoteHost
    ? (path) => readOverSsh(account.remoteHost!, path)
    : (path) => readFile(path.replace(/^~(?=\/)/, homedir()));

  let lastRowId: number | undefined;
  let queue = Promise.resolve();
  const onMessage = (message: ImsgMessage) => {
    const inbound = normalizeImsgMessage(message, account.mentionNames, accountId, readMacFile);
    queue = queue.then(async () => {
      if (typeof message.id === 'number') lastRowId = Math.max(lastRowId ?? 0, message.id);
      if (!inbound) return;
      try {
        const outcome = await context.receive(inbound);
        logger.debug('imessage taken', { guid: inbound.platformMessageId, status: outcome.status });
      } catch (error) {
        logger.error(
          `imessage ${inbound.platformMessageId} not handed to the agent: ${(error as Error).message}`,
        );
      }
    });
  };

  const imsg = new ImsgProcess({
    cliPath: account.cliPath,
    ...(account.dbPath ? { dbPath: account.dbPath } : {}),
    ...(account.remoteHost ? { remoteHost: account.remoteHost } : {}),
    logger,
    signal,
    onNotification: (method, params) => {
      if (method === 'message' && params.message && typeof params.message === 'object') {
        onMessage(params.message as ImsgMessage);
      } else if (method === 'error') {
        logger.warn('imsg reported a watch error', { error: params.error });
      }
    },
    onStarted: async () => {
      await imsg.request('watch.subscribe', {
        attachments: account.includeAttachments,
        ...(lastRowId !== undefined ? { since_rowid: lastRowId } : {}),
      });
    },
    onConnected: (connected, reason) =>
      context.setStatus(
        connected ? { connected } : { connected, lastError: reason ?? 'imsg stopped' },
      ),
  });
  try {
    await imsg.start();
  } catch (error) {
    stopping.abort();
    throw error;
  }
  const botName = account.remoteHost ? `imsg@${account.remoteHost}` : 'imsg';
  context.setStatus({ botName });
  const outbound = new ImsgOutbound(imsg, {
    service: account.service,
    ...(account.remoteHost ? { remoteHost: account.remoteHost } : {}),
  });
  logger.info('imessage account started', {
    cliPath: account.cliPath,
    remoteHost: account.remoteHost,
  });

  return {
    sendText: (input) => outbound.sendText(input),
    sendMedia: (input) => outbound.sendMedia(input),
    probe: async () => {
      await imsg.request('chats.list', { limit: 1 });
      return { botName };
    },
    stop: async () => {
      stopping.abort();
      await imsg.done;
      await queue;
      context.setStatus({ connected: false });
    },
  };
}

/** A file of the Mac, through `ssh <host> cat`. */
function readOverSsh(host: string, path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // `~/` stays unquoted so that the remote shell expands it.
    const rest = path.replace(/^~\//, '');
    const quoted = `'${rest.replace(/'/g, `'\\''`)}'`;
    const remotePath = path.startsWith('~/') ? `~/${quoted}` : quoted;
    const child = spawn('ssh', ['-T', '-o', 'BatchMode=yes', host, `cat -- ${remotePath}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(Buffer.concat(chunks))
        : reject(new Error(`reading ${path} on ${host} failed: ${stderr.trim()}`)),
    );
  });
}
