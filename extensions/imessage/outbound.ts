/**
 * Outbound calls of one iMessage account through `imsg rpc`'s `send`: to the chat by its
 * `chat_id`, text, or a file by path. imsg reads files on the Mac, so an outbound file is
 * first written there (a local temp file, or `cat >` over ssh with remoteHost).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMediaSource } from '../../channels/shared/read-media-source.js';
import {
  ChannelSendError,
  type DeliveryTarget,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../../channels/types.js';
import { ImsgRpcError, type ImsgProcess } from './rpc-process.js';

// JSON-RPC's "invalid params" (unknown chat_id, bad service): a retry cannot fix it.
const INVALID_PARAMS = -32602;

/** Outbound operations of one account. */
export class ImsgOutbound {
  constructor(
    private readonly imsg: ImsgProcess,
    private readonly options: { service: string; remoteHost?: string },
  ) {}

  private async send(
    target: DeliveryTarget,
    params: Record<string, unknown>,
    deliveryId: string,
  ): Promise<SentMessage> {
    try {
      await this.imsg.request('send', {
        chat_id: Number(target.chatId),
        service: this.options.service,
        ...params,
      });
    } catch (error) {
      const message = `imsg send: ${(error as Error).message}`;
      const final = error instanceof ImsgRpcError && error.code === INVALID_PARAMS;
      throw new ChannelSendError(message, { retryable: !final });
    }
    // imsg answers { ok: true } without the new message's guid.
    return { platformMessageId: `clawdbot:${deliveryId}` };
  }

  /** One chunk of plain text. */
  sendText(input: SendTextInput): Promise<SentMessage> {
    return this.send(input.target, { text: input.text }, input.deliveryId);
  }

  /** One file, written where imsg can read it, with its caption. */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const media = await readMediaSource(input.source);
    const digest = createHash('sha256').update(input.deliveryId).digest('hex').slice(0, 16);
    const name = `${digest}-${media.fileName.replace(/[^\w.-]/g, '_')}`;
    const path = this.options.remoteHost
      ? await writeRemote(this.options.remoteHost, `/tmp/clawdbot-imessage-${name}`, media.bytes)
      : await writeLocal(name, media.bytes);
    return this.send(
      input.target,
      { file: path, ...(input.caption ? { text: input.caption } : {}) },
      input.deliveryId,
    );
  }
}

async function writeLocal(name: string, bytes: Buffer): Promise<string> {
  const dir = join(tmpdir(), 'clawdbot-imessage');
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function writeRemote(host: string, path: string, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', ['-T', '-o', 'BatchMode=yes', host, `cat > '${path}'`], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) =>
      reject(new ChannelSendError(`ssh ${host}: ${error.message}`, { retryable: true })),
    );
    child.once('exit', (code) =>
      code === 0
        ? resolve(path)
        : reject(
            new ChannelSendError(`copying the file to ${host} failed: ${stderr.trim()}`, {
              retryable: true,
            }),
          ),
    );
    child.stdin.end(bytes);
  });
}
