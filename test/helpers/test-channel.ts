/**
 * A platform-less channel for testing the channel layer's own mechanics (delivery ids,
 * retries, pairing, drops, restarts, status) through the real runtime, gateway and
 * Temporal. It has no wire format to be faithful to: per-platform behaviour is tested
 * against each platform's fake with its real SDK. Sends are recorded; a test scripts the
 * platform's answers (a 429, a 400, a formatting refusal) per call.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelInbound,
  type ChannelPlugin,
  type ChannelStartContext,
  type CommonAccountOptions,
  type DeliveryTarget,
  type InboundOutcome,
} from '../../channels/types.js';

/** One call the "platform" received. */
export interface TestSend {
  op: 'text' | 'media' | 'typing' | 'edit';
  accountId: string;
  target: DeliveryTarget;
  text?: string;
  formatted?: boolean;
  replyToMessageId?: string;
  deliveryId?: string;
  source?: string;
  platformMessageId?: string;
  at: number;
}

/** What the next send does instead of succeeding. */
export type TestFailure =
  | { kind: 'rate-limit'; retryAfterMs: number }
  | { kind: 'reject'; status: number; message: string }
  | { kind: 'formatting' }
  | { kind: 'network' };

/** Account options of the test channel. */
export interface TestAccount extends CommonAccountOptions {
  token?: string;
  streamMode: 'off' | 'partial';
  webhookPath?: string;
}

/** The test channel plus the controls a test uses. */
export interface TestChannel {
  plugin: ChannelPlugin;
  sends: TestSend[];
  /**
   * Queue outcomes for the coming sendText/sendMedia calls to chat `chatId`, in order
   * (null = succeed). Keyed by chat so that a late send of another test cannot take them.
   */
  failNext(chatId: string, ...failures: (TestFailure | null)[]): void;
  /** Hand a message to a running account, as its platform connection would. */
  inject(
    accountId: string,
    message: Partial<ChannelInbound> & { text: string },
  ): Promise<InboundOutcome>;
  /** Start attempts per account (a failing one is retried). */
  startAttempts: Map<string, number>;
  /** Accounts whose start() throws this many more times. */
  failStarts(accountId: string, times: number): void;
  texts(): string[];
}

let messageCounter = 0;

/** Create a test channel with id `id` (default "testchat"), limit 100 characters. */
export function createTestChannel(id = 'testchat', textChunkLimit = 100): TestChannel {
  const sends: TestSend[] = [];
  const failures = new Map<string, (TestFailure | null)[]>();
  const contexts = new Map<string, ChannelStartContext<TestAccount>>();
  const startAttempts = new Map<string, number>();
  const startFailures = new Map<string, number>();
  let sentCounter = 0;

  const maybeFail = (chatId: string) => {
    const failure = failures.get(chatId)?.shift();
    if (!failure) return;
    switch (failure.kind) {
      case 'rate-limit':
        throw new ChannelSendError('Too Many Requests', {
          retryable: true,
          retryAfterMs: failure.retryAfterMs,
          status: 429,
        });
      case 'reject':
        throw new ChannelSendError(failure.message, { retryable: false, status: failure.status });
      case 'formatting':
        throw new ChannelSendError("Bad Request: can't parse entities", {
          retryable: false,
          formatting: true,
          status: 400,
        });
      case 'network':
        throw new Error('socket hang up');
    }
  };

  const configSchema = channelAccountSchema({
    token: z.string().optional(),
    streamMode: z.enum(['off', 'partial']).default('off'),
    /** Receive messages as JSON POSTed here too (checks the gateway's webhook routes). */
    webhookPath: z.string().optional(),
  });

  const plugin: ChannelPlugin<TestAccount> = {
    id,
    label: 'Test chat',
    capabilities: {
      chatTypes: ['direct', 'group', 'channel'],
      threads: true,
      media: true,
      reactions: false,
      edit: true,
      typing: true,
      reply: true,
    },
    textChunkLimit,
    // A visible, checkable "format": bold markers become <b> tags.
    formatText: (markdown) => markdown.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>'),
    idLabel: 'testUserId',
    configSchema: configSchema,
    isConfigured: (account) => account.token !== undefined,
    start(context): Promise<ChannelAccountHandle> {
      const attempts = (startAttempts.get(context.accountId) ?? 0) + 1;
      startAttempts.set(context.accountId, attempts);
      const failing = startFailures.get(context.accountId) ?? 0;
      if (failing > 0 || context.account.token === 'bad-token') {
        startFailures.set(context.accountId, failing - 1);
        return Promise.reject(new Error('401 Unauthorized: invalid token'));
      }
      contexts.set(context.accountId, context);
      context.setStatus({ connected: true, botName: 'testbot' });
      if (context.account.webhookPath !== undefined) {
        context.registerHttpRoute?.({
          method: 'POST',
          path: context.account.webhookPath,
          async handler(request) {
            // The raw bytes must arrive untouched (platforms sign them).
            if (request.headers['x-test-length'] !== String(request.rawBody.length)) {
              return { status: 401, body: { error: 'body changed in transit' } };
            }
            const body = JSON.parse(request.rawBody.toString('utf8')) as {
              senderId: string;
              text: string;
              id: string;
            };
            const outcome = await context.receive({
              accountId: context.accountId,
              chatType: 'direct',
              chatId: body.senderId,
              senderId: body.senderId,
              text: body.text,
              platformMessageId: body.id,
              mentioned: false,
            });
            return { status: 200, body: { ok: true, outcome } };
          },
        });
      }
      const record = (send: Omit<TestSend, 'accountId' | 'at'>) =>
        sends.push({ ...send, accountId: context.accountId, at: Date.now() });
      return Promise.resolve({
        sendText(input) {
          maybeFail(input.target.chatId);
          const platformMessageId = `sent-${++sentCounter}`;
          record({ op: 'text', platformMessageId, ...input });
          return Promise.resolve({ platformMessageId });
        },
        sendMedia(input) {
          maybeFail(input.target.chatId);
          const platformMessageId = `sent-${++sentCounter}`;
          record({ op: 'media', platformMessageId, ...input });
          return Promise.resolve({ platformMessageId });
        },
        sendTyping(target) {
          record({ op: 'typing', target });
          return Promise.resolve();
        },
        editText(target, platformMessageId, text, options) {
          record({
            op: 'edit',
            target,
            platformMessageId,
            text,
            formatted: options?.formatted ?? false,
          });
          return Promise.resolve();
        },
        probe: () => Promise.resolve({ botName: 'testbot' }),
        stop() {
          contexts.delete(context.accountId);
          return Promise.resolve();
        },
      });
    },
  };

  return {
    plugin: plugin,
    sends,
    startAttempts,
    failNext: (chatId, ...more) =>
      void failures.set(chatId, [...(failures.get(chatId) ?? []), ...more]),
    failStarts: (accountId, times) => void startFailures.set(accountId, times),
    async inject(accountId, message) {
      const context = contexts.get(accountId);
      if (!context) throw new Error(`account ${accountId} is not running`);
      const chatId = message.chatId ?? message.senderId ?? 'u1';
      return context.receive({
        accountId,
        chatType: 'direct',
        chatId,
        senderId: chatId,
        platformMessageId: `p${++messageCounter}`,
        mentioned: false,
        ...message,
      });
    },
    texts: () => sends.filter((send) => send.op === 'text').map((send) => send.text ?? ''),
  };
}
