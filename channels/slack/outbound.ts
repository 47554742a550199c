import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { webApi } from '@slack/bolt';
import type {
  CommonAccountOptions,
  DeliveryTarget,
  SendMediaInput,
  SendTextInput,
  SentMessage,
} from '../types.js';
import { ChannelSendError } from '../types.js';
import type { BotThreads } from './bot-threads.js';
import { toChannelSendError } from './send-error.js';

/**
 * The thread a reply goes to. Slack has no quoted replies: answering "as a reply" means
 * answering in the thread. A message inside a thread is always answered there; a channel
 * or group-DM message starts a thread under itself unless replyToMode is off (then the
 * reply goes to the channel); a direct message is answered in the DM itself. Every chunk
 * of one reply goes to the same place, whatever the chunk's own replyToMessageId says.
 */
export function replyThread(
  target: DeliveryTarget,
  replyToMode: CommonAccountOptions['replyToMode'],
): string | undefined {
  if (target.threadId) return target.threadId;
  if (target.chatType === 'direct' || replyToMode === 'off') return undefined;
  return target.platformMessageId;
}

/** Sending through the account's WebClient (no SDK retries: the delivery activity retries). */
export class SlackOutbound {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly replyToMode: CommonAccountOptions['replyToMode'],
    private readonly botThreads: BotThreads,
  ) {}

  /** chat.postMessage; `formatted: false` turns mrkdwn parsing off (the plain-text fallback). */
  async sendText(input: SendTextInput): Promise<SentMessage> {
    const threadTs = replyThread(input.target, this.replyToMode);
    try {
      const result = await this.client.chat.postMessage({
        channel: input.target.chatId,
        text: input.text,
        mrkdwn: input.formatted,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      if (threadTs) this.botThreads.add(input.target.chatId, threadTs);
      return { platformMessageId: result.ts ?? '' };
    } catch (error) {
      throw toChannelSendError('chat.postMessage', error);
    }
  }

  /** chat.update of a message the bot sent (draft streaming). */
  async editText(target: DeliveryTarget, platformMessageId: string, text: string): Promise<void> {
    try {
      await this.client.chat.update({ channel: target.chatId, ts: platformMessageId, text });
    } catch (error) {
      throw toChannelSendError('chat.update', error);
    }
  }

  /**
   * A file from the workspace or a URL, uploaded with filesUploadV2 (getUploadURLExternal,
   * the upload, completeUploadExternal sharing it in the chat with the caption).
   */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const { bytes, filename } = await readSource(input.source);
    const threadTs = replyThread(input.target, this.replyToMode);
    try {
      const upload = {
        channel_id: input.target.chatId,
        file: bytes,
        filename,
        ...(input.caption ? { initial_comment: input.caption } : {}),
      };
      const result = await this.client.filesUploadV2(
        threadTs ? { ...upload, thread_ts: threadTs } : upload,
      );
      if (threadTs) this.botThreads.add(input.target.chatId, threadTs);
      return { platformMessageId: sharedAs(result, input.target.chatId) };
    } catch (error) {
      throw toChannelSendError('files.uploadV2', error);
    }
  }
}

async function readSource(source: string): Promise<{ bytes: Buffer; filename: string }> {
  if (!/^https?:\/\//i.test(source)) {
    try {
      return { bytes: await readFile(source), filename: basename(source) };
    } catch (error) {
      throw new ChannelSendError(`cannot read ${source}: ${(error as Error).message}`, {
        retryable: false,
      });
    }
  }
  const response = await fetch(source).catch((error: unknown) => {
    throw new ChannelSendError(`cannot fetch ${source}: ${String(error)}`, { retryable: true });
  });
  if (!response.ok) {
    throw new ChannelSendError(`cannot fetch ${source}: HTTP ${response.status}`, {
      retryable: response.status >= 500,
      status: response.status,
    });
  }
  const name = basename(new URL(source).pathname) || 'file';
  return { bytes: Buffer.from(await response.arrayBuffer()), filename: name };
}

/** The ts of the message that shared the file in `channel`, else the file's id. */
function sharedAs(result: webApi.WebAPICallResult, channel: string): string {
  type Share = { ts?: string }[];
  type Uploaded = { id?: string; shares?: Record<string, Record<string, Share>> };
  const completions = (result as { files?: { files?: Uploaded[] }[] }).files ?? [];
  const file = completions[0]?.files?.[0];
  const shares = file?.shares ?? {};
  const ts = shares.public?.[channel]?.[0]?.ts ?? shares.private?.[channel]?.[0]?.ts;
  return ts ?? file?.id ?? '';
}
