import { join } from 'node:path';
/**
 * The channel manager, hosted by the gateway process: starts every configured and
 * enabled channel account in parallel (never holding up the gateway), restarts one that
 * fails to start with backoff, serves each running account's delivery task queue with an
 * activities-only Temporal worker, and answers status, logout and pairing requests.
 * A failing account is logged and shown in its status; it never stops the gateway or the
 * other accounts.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { AgentService } from '../../core/agent/agent-service.js';
import type { Config } from '../../core/config/schema.js';
import type { EventBus } from '../../core/events/types.js';
import { ClawdbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { transcriptEntryId, type SessionStore } from '../../core/sessions/index.js';
import type { ChannelToolHost } from '../../activities/tools/tool.js';
import { channelTaskQueue, channelToolsTaskQueue } from '../../workflows/channel-delivery.js';
import { createPairingStore } from '../shared/pairing-store.js';
import type {
  ChannelAccountHandle,
  ChannelAccountStatus,
  ChannelHttpRoute,
  ChannelPlugin,
} from '../types.js';
import { resolveChannelAccounts, type ResolvedAccount } from './account-config.js';
import { createChannelActionActivity } from './channel-action-activity.js';
import { createDeliverActivity, replyPieces } from './deliver-activity.js';
import { receiveInbound } from './inbound.js';
import { pairingApprovedText } from './pairing-messages.js';
import { createRunTracker, type RunTracker } from './run-tracker.js';

/** What the manager needs from the process. */
export interface ChannelManagerOptions {
  config: Config;
  plugins: readonly ChannelPlugin[];
  agent: AgentService;
  store: SessionStore;
  /** The gateway's bus (run events of every worker): typing and drafts follow it. */
  bus?: EventBus;
  /** Temporal connection for the delivery workers; without it nothing is delivered here. */
  connection?: NativeConnection;
  stateDir: string;
  workspaceDir: string;
  logger: Logger;
  /** Webhook routes on the gateway's port, when this process serves HTTP. */
  httpRoutes?: {
    register(route: ChannelHttpRoute): boolean;
    unregister(method: string, path: string): void;
  };
  /** Start no account (`clawdbot gateway --no-channels`): status and pairing still answer. */
  startAccounts?: boolean;
  /** Backoff between start attempts of a failing account. */
  restart?: { initialMs: number; maxMs: number };
  typingIntervalMs?: number;
  draftIntervalMs?: number;
  /**
   * The activities of a channel's own tools (telegram_actions...), bound to this process's
   * accounts; undefined when the channel has none. Served on the channel's tools queue.
   */
  channelTools?: (channel: string, host: ChannelToolHost) => object | undefined;
}

/** A pending pairing request as listed. */
export interface PairingRequestView {
  channel: string;
  senderId: string;
  code: string;
  /** ISO 8601, as the pairing file keeps it. */
  createdAt: string;
  meta?: Record<string, string>;
}

/** A message to send outside any turn. */
export interface OutboundRequest {
  channel: string;
  /** The chat id as the platform names it. */
  to: string;
  message?: string;
  mediaUrls?: string[];
  accountId?: string;
  idempotencyKey: string;
}

/** The outcome of approving a pairing code. */
export type PairingApproval =
  | { approved: false }
  | { approved: true; channel: string; senderId: string; notified: boolean; notifyError?: string };

/** The running manager. */
export interface ChannelManager {
  /** Start the accounts in the background; returns at once. */
  start(): void;
  /** Every configured account's live status. */
  status(): ChannelAccountStatus[];
  /** Stop one account (or every account of a channel) until the gateway restarts. */
  logout(channel: string, accountId?: string): Promise<ChannelAccountStatus[]>;
  pairingList(channel?: string): Promise<PairingRequestView[]>;
  pairingApprove(channel: string, code: string, notify: boolean): Promise<PairingApproval>;
  /**
   * Send a message to a chat outside any turn (the gateway's `send` method): chunked and
   * formatted like a reply; the same idempotency key twice (in this process) sends once.
   */
  send(request: OutboundRequest): Promise<{ messageId: string }>;
  /** Stop every account and delivery worker. */
  stop(): Promise<void>;
}

interface AccountState {
  resolved: ResolvedAccount;
  status: ChannelAccountStatus;
  handle?: ChannelAccountHandle;
  abort: AbortController;
  worker?: Worker;
  workerDone?: Promise<void>;
  loop?: Promise<void>;
  /** Webhook routes the account registered, removed when it stops. */
  routes: ChannelHttpRoute[];
}

// How far back a redelivered message is looked for. A redelivery that the session
// workflow's own list of seen ids missed comes after that workflow ended (an hour idle),
// so the message's turn is among the last ones of its transcript.
const handledLookback = 64;

/** Whether the session's transcript already has the user entry of this message's turn. */
async function alreadyHandled(store: SessionStore, sessionKey: string, messageId: string) {
  const session = await store.get(sessionKey);
  if (!session) return false;
  const id = transcriptEntryId.user(messageId);
  const entries = await store.readEntries(session.sessionId, { limit: handledLookback });
  return entries.some((entry) => entry.id === id);
}

/** Create the manager (validates `channels` config: throws CONFIG_INVALID on a bad field). */
export function createChannelManager(options: ChannelManagerOptions): ChannelManager {
  const { config, logger } = options;
  const accounts = resolveChannelAccounts(config, options.plugins);
  const pairing = createPairingStore({ stateDir: options.stateDir });
  const restart = options.restart ?? { initialMs: 1000, maxMs: 60_000 };
  const tracker: RunTracker = createRunTracker({
    bus: options.bus,
    logger: logger.child('typing'),
    ...(options.typingIntervalMs !== undefined
      ? { typingIntervalMs: options.typingIntervalMs }
      : {}),
    ...(options.draftIntervalMs !== undefined ? { draftIntervalMs: options.draftIntervalMs } : {}),
  });
  const states: AccountState[] = accounts.map((resolved) => ({
    resolved,
    abort: new AbortController(),
    routes: [],
    status: {
      channel: resolved.plugin.id,
      accountId: resolved.accountId,
      configured: resolved.configured,
      enabled: resolved.options.enabled,
      running: false,
      connected: false,
    },
  }));
  // Idempotency keys of recent `send` calls and what they sent.
  const recentSends = new Map<string, Promise<{ messageId: string }>>();
  const nameOf = (state: AccountState) => `${state.resolved.plugin.id}:${state.resolved.accountId}`;

  const deliveryAccount = (state: AccountState) =>
    state.handle
      ? {
          plugin: state.resolved.plugin,
          options: state.resolved.options,
          handle: state.handle,
          onSent: () => (state.status.lastOutboundAt = Date.now()),
        }
      : undefined;

  // What the <channel>_actions tools reach: the accounts of this process.
  const toolHost: ChannelToolHost = {
    account(channel, accountId) {
      const own = states.filter((state) => state.resolved.plugin.id === channel);
      const ids = own.map((state) => state.resolved.accountId);
      if (own.length === 0) return { error: `${channel} is not configured in this gateway.` };
      const chosen =
        accountId !== undefined
          ? own.find((state) => state.resolved.accountId === accountId)
          : (own.find((state) => state.resolved.accountId === 'default') ??
            (own.length === 1 ? own[0] : undefined));
      if (!chosen) {
        return {
          error:
            accountId !== undefined
              ? `${channel} has no account "${accountId}" (accounts: ${ids.join(', ')}).`
              : `${channel} has several accounts (${ids.join(', ')}): name one with accountId.`,
        };
      }
      if (!chosen.handle) {
        const why =
          chosen.status.lastError ?? (chosen.resolved.options.enabled ? 'starting' : 'disabled');
        return {
          error: `${channel} account ${chosen.resolved.accountId} is not running (${why}).`,
        };
      }
      return {
        accountId: chosen.resolved.accountId,
        plugin: chosen.resolved.plugin,
        options: chosen.resolved.options,
        handle: chosen.handle,
      };
    },
  };
  const toolWorkers: { worker: Worker; done: Promise<void> }[] = [];

  /** One worker per channel for its tools, on `<taskQueue>@channel:<channel>`. */
  const startToolWorkers = async () => {
    if (!options.connection || !options.channelTools) return;
    const channelIds = new Set(
      states
        .filter((state) => state.resolved.options.enabled && state.resolved.configured)
        .filter((state) => !state.resolved.plugin.implicit)
        .map((state) => state.resolved.plugin.id),
    );
    for (const channel of channelIds) {
      const activities = options.channelTools(channel, toolHost);
      if (!activities) continue;
      const taskQueue = channelToolsTaskQueue(config.temporal.taskQueue, channel);
      try {
        const worker = await Worker.create({
          connection: options.connection,
          namespace: config.temporal.namespace,
          taskQueue,
          activities,
          identity: `clawdbot-channel-tools@${hostname()}:${process.pid}`,
          shutdownGraceTime: '10s',
        });
        const done = worker.run().catch((error: Error) => {
          logger.error(`${channel}: tools worker failed: ${error.message}`);
        });
        toolWorkers.push({ worker, done });
        logger.info(`${channel}: serving its tools from task queue "${taskQueue}"`);
      } catch (error) {
        logger.error(`${channel}: tools worker not started: ${(error as Error).message}`);
      }
    }
  };

  const startWorker = async (state: AccountState) => {
    // An implicit channel's replies never go through a delivery queue.
    if (!options.connection || state.resolved.plugin.implicit) return;
    const { plugin, accountId } = state.resolved;
    const taskQueue = channelTaskQueue(config.temporal.taskQueue, plugin.id, accountId);
    const worker = await Worker.create({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue,
      activities: {
        ...createChannelActionActivity({ account: () => deliveryAccount(state) }),
        ...createDeliverActivity({
          store: options.store,
          logger: logger.child(`deliver:${nameOf(state)}`),
          account: () => deliveryAccount(state),
          takeDraft: (runId) => tracker.takeDraft(runId),
          media: {
            workspaceDir: options.workspaceDir,
            sandboxesDir: join(options.stateDir, 'sandboxes'),
            allowHosts: config.tools.web.fetch.allowHosts,
          },
        }),
      },
      identity: `clawdbot-channels@${hostname()}:${process.pid}`,
      shutdownGraceTime: '10s',
      maxHeartbeatThrottleInterval: '1s',
    });
    state.worker = worker;
    state.workerDone = worker.run().catch((error: Error) => {
      state.status.lastError = `delivery worker failed: ${error.message}`;
      state.status.lastErrorAt = Date.now();
      logger.error(`${nameOf(state)}: delivery worker failed: ${error.message}`);
    });
    logger.info(`${nameOf(state)}: delivering replies from task queue "${taskQueue}"`);
  };

  const startOnce = async (state: AccountState): Promise<ChannelAccountHandle> => {
    const { plugin, accountId, options: accountOptions } = state.resolved;
    const accountLogger = logger.child(nameOf(state));
    return plugin.start({
      accountId,
      account: accountOptions,
      logger: accountLogger,
      signal: state.abort.signal,
      stateDir: options.stateDir,
      receive: async (inbound) => {
        state.status.lastInboundAt = Date.now();
        return receiveInbound(
          {
            plugin,
            accountId,
            options: accountOptions,
            routing: () => ({ agentId: config.agent.id, dmScope: config.session.dmScope }),
            agent: options.agent,
            pairing,
            workspaceDir: options.workspaceDir,
            logger: accountLogger,
            botNames: () => (state.status.botName ? [state.status.botName] : []),
            alreadyHandled: (sessionKey, messageId) =>
              alreadyHandled(options.store, sessionKey, messageId),
            sendText: state.handle
              ? async (input) => {
                  const sent = await state.handle!.sendText(input);
                  state.status.lastOutboundAt = Date.now();
                  return sent;
                }
              : undefined,
            onAccepted: (runId, _sessionKey, target) =>
              tracker.track(runId, {
                target,
                handle: () => state.handle,
                draft: (accountOptions as { streamMode?: string }).streamMode === 'partial',
                limit: accountOptions.textChunkLimit ?? plugin.textChunkLimit,
              }),
          },
          inbound,
        );
      },
      setStatus: (patch) => {
        Object.assign(state.status, patch);
        if (patch.lastError !== undefined) state.status.lastErrorAt = Date.now();
      },
      ...(options.httpRoutes
        ? {
            registerHttpRoute: (route: ChannelHttpRoute) => {
              const added = options.httpRoutes!.register(route);
              if (added) state.routes.push(route);
              return added;
            },
          }
        : {}),
    });
  };

  /** Start an account, retrying with backoff until it runs or is stopped. */
  const run = async (state: AccountState) => {
    let delay = restart.initialMs;
    // The delivery queue is served from the start: replies wait there while the account
    // connects, and each attempt that finds it not running yet is retried by Temporal.
    try {
      await startWorker(state);
    } catch (error) {
      state.status.lastError = `delivery worker not started: ${(error as Error).message}`;
      state.status.lastErrorAt = Date.now();
      logger.error(`${nameOf(state)}: ${state.status.lastError}`);
    }
    while (!state.abort.signal.aborted) {
      try {
        const handle = await startOnce(state);
        if (state.abort.signal.aborted) {
          await handle.stop();
          return;
        }
        state.handle = handle;
        state.status.running = true;
        logger.info(`${nameOf(state)}: started`);
        return;
      } catch (error) {
        const message = (error as Error).message;
        // A half-started account may have added its webhook: the next attempt adds it again.
        for (const route of state.routes.splice(0)) {
          options.httpRoutes?.unregister(route.method, route.path);
        }
        state.status.running = false;
        state.status.connected = false;
        state.status.lastError = message;
        state.status.lastErrorAt = Date.now();
        if (state.abort.signal.aborted) return;
        logger.warn(`${nameOf(state)}: failed to start: ${message}; retrying in ${delay} ms`);
        await sleep(delay, undefined, { signal: state.abort.signal }).catch(() => undefined);
        delay = Math.min(delay * 2, restart.maxMs);
      }
    }
  };

  const stopAccount = async (state: AccountState) => {
    state.abort.abort();
    await state.loop;
    const handle = state.handle;
    state.handle = undefined;
    for (const route of state.routes.splice(0))
      options.httpRoutes?.unregister(route.method, route.path);
    state.status.running = false;
    state.status.connected = false;
    if (handle) {
      await handle.stop().catch((error: Error) => {
        logger.warn(`${nameOf(state)}: stop failed: ${error.message}`);
      });
    }
    if (state.worker && state.worker.getState() === 'RUNNING') state.worker.shutdown();
    await state.workerDone;
    state.worker = undefined;
  };

  const runningHandle = (channel: string, accountId: string | undefined) =>
    states.find(
      (state) =>
        state.resolved.plugin.id === channel &&
        (accountId === undefined || state.resolved.accountId === accountId) &&
        state.handle !== undefined,
    );

  return {
    start() {
      if (options.startAccounts === false) {
        logger.info('channels not started (--no-channels)');
        return;
      }
      for (const state of states) {
        if (!state.resolved.options.enabled) continue;
        if (!state.resolved.configured) {
          state.status.lastError = 'not configured (missing token or credentials)';
          logger.warn(`${nameOf(state)}: ${state.status.lastError}`);
          continue;
        }
        state.loop = run(state);
      }
      void startToolWorkers();
    },

    status: () => states.map((state) => ({ ...state.status })),

    async logout(channel, accountId) {
      const matching = states.filter(
        (state) =>
          state.resolved.plugin.id === channel &&
          (accountId === undefined || state.resolved.accountId === accountId),
      );
      await Promise.all(matching.map(stopAccount));
      return matching.map((state) => ({ ...state.status }));
    },

    async pairingList(channel) {
      const requests = await pairing.list(channel);
      return requests.map((request) => ({
        channel: request.channel,
        senderId: request.id,
        code: request.code,
        createdAt: request.createdAt,
        ...(request.meta ? { meta: request.meta } : {}),
      }));
    },

    async pairingApprove(channel, code, notify) {
      const request = await pairing.approve(channel, code);
      if (!request) return { approved: false };
      logger.info(`pairing approved: ${channel} sender ${request.id}`);
      const base = { approved: true as const, channel, senderId: request.id };
      if (!notify) return { ...base, notified: false };
      const accountId = request.meta?.accountId;
      const state = runningHandle(channel, accountId) ?? runningHandle(channel, undefined);
      if (!state?.handle) {
        return { ...base, notified: false, notifyError: `no running ${channel} account` };
      }
      try {
        await state.handle.sendText({
          target: {
            channel,
            accountId: state.resolved.accountId,
            chatType: 'direct',
            chatId: request.meta?.chatId ?? request.id,
            platformMessageId: '',
          },
          text: pairingApprovedText(),
          formatted: false,
          deliveryId: `pairing-approved:${channel}:${request.id}`,
        });
        state.status.lastOutboundAt = Date.now();
        return { ...base, notified: true };
      } catch (error) {
        return { ...base, notified: false, notifyError: (error as Error).message };
      }
    },

    send(request) {
      const key = `${request.channel}:${request.idempotencyKey}`;
      const known = recentSends.get(key);
      if (known) return known;
      const state = runningHandle(request.channel, request.accountId);
      if (!state?.handle) {
        return Promise.reject(
          new ClawdbotError('UNAVAILABLE', `no running ${request.channel} account`, {
            channel: request.channel,
          }),
        );
      }
      const { plugin, accountId, options: accountOptions } = state.resolved;
      const handle = state.handle;
      const target = {
        channel: plugin.id,
        accountId,
        chatType: 'direct' as const,
        chatId: request.to,
        platformMessageId: '',
      };
      const text = [
        request.message ?? '',
        ...(request.mediaUrls ?? []).map((url) => `MEDIA:${url}`),
      ]
        .filter((line) => line !== '')
        .join('\n');
      const pieces = replyPieces(
        text,
        accountOptions.textChunkLimit ?? plugin.textChunkLimit,
        (markdown) => plugin.formatText(markdown),
      );
      const sending = (async () => {
        let first: string | undefined;
        for (const [index, piece] of pieces.entries()) {
          const deliveryId = `${request.idempotencyKey}:${index}`;
          const sent =
            piece.kind === 'media'
              ? await handle.sendMedia({
                  target,
                  source: piece.source,
                  kind: piece.media,
                  deliveryId,
                })
              : await handle.sendText({
                  target,
                  text: piece.text,
                  formatted: piece.formatted,
                  deliveryId,
                });
          first ??= sent.platformMessageId;
          state.status.lastOutboundAt = Date.now();
        }
        if (first === undefined) throw new ClawdbotError('INVALID_REQUEST', 'nothing to send');
        return { messageId: first };
      })();
      recentSends.set(key, sending);
      if (recentSends.size > 1000) recentSends.delete(recentSends.keys().next().value!);
      // A failed send may be tried again with the same key.
      sending.catch(() => recentSends.delete(key));
      return sending;
    },

    async stop() {
      tracker.stop();
      for (const { worker } of toolWorkers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.all(toolWorkers.splice(0).map(({ done }) => done));
      await Promise.all(states.map(stopAccount));
    },
  };
}
