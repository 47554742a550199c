// A fake Slack on 127.0.0.1 that the real @slack/bolt (its WebClient and SocketModeClient)
// talks to unchanged: the Web API under /api/, Socket Mode WebSockets under /link/, file
// uploads and downloads, and Events API delivery over Socket Mode or signed HTTP. Tests
// inject user messages and failures and assert on `sent`, everything the bot put in Slack.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenHttpFake, readBody, sendJson } from '../http-fake.js';
import {
  botMessageEvent,
  eventCallback,
  userMessageEvents,
  type UserMessageInput,
} from './events.js';
import { FakeEventsHttp } from './events-http.js';
import { FakeSocketMode } from './socket-mode.js';
import { FakeWebApi, type SlackFailure } from './web-api.js';
import {
  FakeWorkspace,
  type FakeAppIdentity,
  type FakeConversation,
  type SlackApiCall,
  type SlackSentEntry,
} from './workspace.js';

export type { SlackFailure, SlackSentEntry, SlackApiCall, FakeConversation, UserMessageInput };

/** Options of a fake Slack; everything has a default. */
export interface FakeSlackOptions extends Partial<FakeAppIdentity> {
  /** How long an event may go un-acknowledged before it is redelivered (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** Redeliveries of an un-acknowledged event (Slack: 3). */
  maxRetries?: number;
  /** HTTP mode: pauses before each retry (Slack: ~0, 1 min, 5 min). */
  httpRetryDelaysMs?: number[];
  /** Echo the bot's own posts back as message events, as Slack does (default true). */
  echoBotMessages?: boolean;
}

/** What a test gets: URLs to point the SDK at, the workspace, injection and failure knobs. */
export interface FakeSlack {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The Web API base URL (`<url>/api/`): the WebClient's slackApiUrl. */
  apiUrl: string;
  identity: FakeAppIdentity;
  workspace: FakeWorkspace;
  socketMode: FakeSocketMode;
  eventsHttp: FakeEventsHttp;
  /** Everything the bot posted, edited or uploaded, in order. */
  readonly sent: SlackSentEntry[];
  /** Every Web API call, in order. */
  readonly calls: SlackApiCall[];
  /** Register a conversation (im / mpim / channel / group). */
  addConversation(conversation: FakeConversation): void;
  /** Register a user with a display name (users.info answers with it). */
  addUser(id: string, name: string): void;
  /**
   * A user writes a message: Slack sends `message` (and `app_mention` when the bot is
   * mentioned outside a DM) to the app. Returns the message ts and the envelope or event ids.
   */
  userMessage(input: UserMessageInput): { ts: string; deliveries: string[] };
  /** Send any event (wrapped in event_callback) to the app; returns the envelope/event id. */
  emit(event: Record<string, unknown>): string;
  /** Answer the next `count` calls of a Web API method with a failure. */
  failNext(method: string, failure: SlackFailure, count?: number): void;
  /** Switch event delivery to HTTP (Request URL) or back to Socket Mode (undefined). */
  setRequestUrl(url: string | undefined): void;
  /** Poll `probe` until it returns something other than undefined. */
  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Start a fake Slack on a free port of 127.0.0.1. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const identity: FakeAppIdentity = {
    teamId: options.teamId ?? 'T0FAKE',
    teamName: options.teamName ?? 'Fake Team',
    appId: options.appId ?? 'A0FAKE',
    botId: options.botId ?? 'B0BOT',
    botUserId: options.botUserId ?? 'U0BOT',
    botName: options.botName ?? 'clawdbot',
    botToken: options.botToken ?? 'xoxb-fake-bot-token',
    appToken: options.appToken ?? 'xapp-fake-app-token',
    signingSecret: options.signingSecret ?? 'fake-signing-secret',
  };
  const workspace = new FakeWorkspace(identity);
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const socketMode = new FakeSocketMode({
    appId: identity.appId,
    ackTimeoutMs,
    maxRetries: options.maxRetries ?? 3,
  });
  const eventsHttp = new FakeEventsHttp({
    signingSecret: identity.signingSecret,
    ackTimeoutMs,
    retryDelaysMs: options.httpRetryDelaysMs ?? [0, 60_000, 300_000],
  });
  let baseUrl = '';
  const inFlight = new Set<Promise<unknown>>();

  const emit = (event: Record<string, unknown>): string => {
    const payload = eventCallback(workspace, event);
    if (eventsHttp.requestUrl === undefined) return socketMode.push(payload);
    const delivery = eventsHttp.push(payload).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
    return String(payload.event_id);
  };

  const webApi = new FakeWebApi(workspace, {
    baseUrl: () => baseUrl,
    openSocketUrl: () => socketMode.openUrl(baseUrl.replace(/^http/, 'ws')),
    botPosted: (channel, ts, text, threadTs) => {
      if (options.echoBotMessages === false) return;
      emit(botMessageEvent(workspace, channel, ts, text, threadTs));
    },
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    const apiMethod = url.pathname.match(/^\/api\/([\w.]+)$/)?.[1];
    if (apiMethod && request.method === 'POST') {
      const args = await parseArguments(request, body, url);
      const answer = webApi.call(apiMethod, args, request.headers.authorization);
      return sendJson(response, answer.status, answer.body, {
        'content-type': 'application/json; charset=utf-8',
        ...answer.headers,
      });
    }
    const uploadId = url.pathname.match(/^\/upload\/v1\/(F\w+)$/)?.[1];
    if (uploadId && request.method === 'POST') {
      const upload = workspace.uploads.get(uploadId);
      if (!upload) return void response.writeHead(404).end('Not Found');
      upload.bytes = await uploadedBytes(request, body);
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`OK - ${upload.bytes.length}`);
      return;
    }
    const fileId = url.pathname.match(/^\/files-pri\/[\w]+-(F\w+)\//)?.[1];
    if (fileId && request.method === 'GET') {
      const file = workspace.files.get(fileId);
      const authorized = request.headers.authorization === `Bearer ${identity.botToken}`;
      if (!file) return void response.writeHead(404).end('Not Found');
      // Without the bot token Slack answers with its sign-in page, not the file.
      if (!authorized) {
        response.writeHead(302, {
          location: `${baseUrl}/?redir=${encodeURIComponent(url.pathname)}`,
        });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': file.mimetype });
      response.end(file.bytes);
      return;
    }
    response.writeHead(404).end('Not Found');
  }

  const http = await listenHttpFake(handle, {
    onError: (response, error) => void response.writeHead(500).end(String(error)),
  });
  http.server.on('upgrade', (request, socket, head) => {
    socketMode.handleUpgrade(request, socket, head);
  });
  baseUrl = http.url;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    identity,
    workspace,
    socketMode,
    eventsHttp,
    sent: workspace.sent,
    calls: workspace.calls,
    addConversation: (conversation) => workspace.addConversation(conversation),
    addUser: (id, name) => {
      workspace.users.set(id, { id, name, realName: name });
    },
    userMessage(input) {
      const { ts, message, mention } = userMessageEvents(workspace, input, baseUrl);
      const deliveries = [emit(message)];
      if (mention) deliveries.push(emit(mention));
      return { ts, deliveries };
    },
    emit,
    failNext: (method, failure, count) => webApi.failNext(method, failure, count),
    setRequestUrl(url) {
      eventsHttp.requestUrl = url;
    },
    async waitFor(probe, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`fake Slack: timed out waiting for ${what}`);
        await sleep(25);
      }
    },
    async close() {
      socketMode.close();
      eventsHttp.close();
      await http.close();
    },
  };
}

/** Web API arguments: form-encoded or JSON bodies (both documented), plus the query string. */
async function parseArguments(
  request: IncomingMessage,
  body: Buffer,
  url: URL,
): Promise<Record<string, string>> {
  const args: Record<string, string> = Object.fromEntries(url.searchParams);
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const parsed = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(parsed)) {
      if (value === undefined || value === null) continue;
      args[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData();
    form.forEach((value, key) => {
      if (typeof value === 'string') args[key] = value;
    });
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString())));
  }
  return args;
}

/** The bytes of an upload: a raw body, or the file part of a multipart form. */
async function uploadedBytes(request: IncomingMessage, body: Buffer): Promise<Buffer> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return body;
  const form = await new Request('http://fake', {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(body),
  }).formData();
  let file: Blob | undefined;
  form.forEach((value) => {
    if (typeof value !== 'string') file ??= value;
  });
  return file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
}
