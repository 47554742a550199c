// The Slack Web API half of the fake: `POST /api/<method>` with the token in an
// `Authorization: Bearer` header (or a `token` argument), arguments form-encoded or JSON,
// answers `{ok: true, ...}` or `{ok: false, error}` with HTTP 200, and rate limits as HTTP 429
// with a `Retry-After` header in seconds — the documented contract @slack/web-api speaks.
import { actionMethods } from './action-methods.js';
import type { FakeWorkspace, SlackApiCall } from './workspace.js';

/** A failure to answer the next call(s) of a method with, injected by a test. */
export type SlackFailure =
  /** HTTP 429 with `Retry-After: <seconds>` (Slack's rate limit answer). */
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  /** An HTTP status other than 200/429 (a 5xx outage, a 4xx from a proxy). */
  | { kind: 'http'; status: number }
  /** HTTP 200 with `{ok: false, error}` (channel_not_found, invalid_auth...). */
  | { kind: 'error'; error: string };

/** What a Web API call answers: a status, a JSON body and extra headers. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Hooks of the other halves of the fake that some methods need. */
export interface WebApiHooks {
  /** A fresh single-use Socket Mode URL (apps.connections.open). */
  openSocketUrl(): string;
  /** Base URL of this fake (file upload and download URLs point here). */
  baseUrl(): string;
  /** The bot posted a message: Slack echoes it to the app as a message event. */
  botPosted(channel: string, ts: string, text: string, threadTs: string | undefined): void;
}

/** Thrown by a method handler for `{ok: false, error}`. */
export class SlackApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

/** One Web API method of the fake. */
export type Method = (args: Record<string, string>, token: string) => Record<string, unknown>;

/** Serves the Web API methods a Slack bot uses, recording each call in the workspace. */
export class FakeWebApi {
  private readonly failures = new Map<string, SlackFailure[]>();
  private readonly methods: Record<string, Method>;

  constructor(
    private readonly workspace: FakeWorkspace,
    private readonly hooks: WebApiHooks,
  ) {
    this.methods = {
      'auth.test': (_args, token) => this.authTest(token),
      'apps.connections.open': (_args, token) => this.connectionsOpen(token),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.update': (args) => this.update(args),
      'conversations.info': (args) => this.conversationInfo(args),
      'users.info': (args) => this.userInfo(args),
      'files.getUploadURLExternal': (args) => this.getUploadUrl(args),
      'files.completeUploadExternal': (args) => this.completeUpload(args),
      ...actionMethods(workspace),
    };
  }

  /** Answer the next `count` calls of `method` with `failure` instead of serving them. */
  failNext(method: string, failure: SlackFailure, count = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let index = 0; index < count; index++) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** Serve one call; `args` are the parsed form or JSON arguments. */
  call(method: string, args: Record<string, string>, authorization?: string): ApiAnswer {
    const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = bearer ?? args.token;
    const record: SlackApiCall = { method, token, args, status: 200 };
    this.workspace.calls.push(record);
    const answer = this.answer(method, args, token);
    record.status = answer.status;
    const body = answer.body as { ok?: boolean; error?: string };
    if (body.ok === false && body.error) record.error = body.error;
    return answer;
  }

  private answer(method: string, args: Record<string, string>, token?: string): ApiAnswer {
    const failure = this.failures.get(method)?.shift();
    if (failure) return failureAnswer(failure);
    const handler = this.methods[method];
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    const { botToken, appToken } = this.workspace.identity;
    if (token !== botToken && token !== appToken) {
      return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    }
    // App-level tokens open Socket Mode connections and nothing else; bot tokens the reverse.
    const appOnly = method === 'apps.connections.open';
    if ((token === appToken) !== appOnly && method !== 'auth.test') {
      return { status: 200, body: { ok: false, error: 'not_allowed_token_type' } };
    }
    try {
      return { status: 200, body: { ok: true, ...handler(args, token) } };
    } catch (error) {
      if (error instanceof SlackApiError) {
        return { status: 200, body: { ok: false, error: error.error } };
      }
      throw error;
    }
  }

  private authTest(token: string): Record<string, unknown> {
    const { identity } = this.workspace;
    return {
      url: `${this.hooks.baseUrl()}/`,
      team: identity.teamName,
      user: identity.botName,
      team_id: identity.teamId,
      user_id: identity.botUserId,
      ...(token === identity.botToken ? { bot_id: identity.botId } : { app_id: identity.appId }),
      is_enterprise_install: false,
    };
  }

  private connectionsOpen(_token: string): Record<string, unknown> {
    return { url: this.hooks.openSocketUrl() };
  }

  private postMessage(args: Record<string, string>): Record<string, unknown> {
    const channel = this.conversation(args.channel).id;
    const text = args.text ?? '';
    if (!text && !args.blocks && !args.attachments) throw new SlackApiError('no_text');
    if (text.length > 40_000) throw new SlackApiError('msg_too_long');
    const threadTs = args.thread_ts || undefined;
    if (threadTs && !this.workspace.authorOf(channel, threadTs)) {
      throw new SlackApiError('thread_not_found');
    }
    const ts = this.workspace.nextTs();
    const { botUserId, botId, appId } = this.workspace.identity;
    this.workspace.recordAuthor(channel, ts, botUserId, text);
    this.workspace.sent.push({
      method: 'chat.postMessage',
      channel,
      ts,
      text,
      ...(threadTs ? { threadTs } : {}),
      ...(args.mrkdwn !== undefined ? { mrkdwn: args.mrkdwn !== 'false' } : {}),
    });
    this.hooks.botPosted(channel, ts, text, threadTs);
    const message = {
      type: 'message',
      text,
      user: botUserId,
      bot_id: botId,
      app_id: appId,
      ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    return { channel, ts, message };
  }

  private update(args: Record<string, string>): Record<string, unknown> {
    const channel = this.conversation(args.channel).id;
    const ts = args.ts ?? '';
    if (this.workspace.authorOf(channel, ts) === undefined) {
      throw new SlackApiError('message_not_found');
    }
    if (this.workspace.authorOf(channel, ts) !== this.workspace.identity.botUserId) {
      throw new SlackApiError('cant_update_message');
    }
    const text = args.text ?? '';
    if (!text && !args.blocks) throw new SlackApiError('no_text');
    this.workspace.sent.push({ method: 'chat.update', channel, ts, text });
    return { channel, ts, text, message: { text, user: this.workspace.identity.botUserId } };
  }

  private conversationInfo(args: Record<string, string>): Record<string, unknown> {
    const conversation = this.conversation(args.channel);
    const { id, type, name } = conversation;
    return {
      channel: {
        id,
        name: type === 'im' ? undefined : name,
        is_channel: type === 'channel',
        is_group: type === 'group',
        is_im: type === 'im',
        is_mpim: type === 'mpim',
        is_private: type !== 'channel',
        ...(type === 'im' ? { user: name } : {}),
      },
    };
  }

  private userInfo(args: Record<string, string>): Record<string, unknown> {
    const user = this.workspace.users.get(args.user ?? '');
    if (!user) throw new SlackApiError('user_not_found');
    const isBot = user.id === this.workspace.identity.botUserId;
    return {
      user: {
        id: user.id,
        team_id: this.workspace.identity.teamId,
        name: user.name,
        real_name: user.realName,
        is_bot: isBot,
        profile: { real_name: user.realName, display_name: user.name },
      },
    };
  }

  private getUploadUrl(args: Record<string, string>): Record<string, unknown> {
    const name = args.filename;
    const length = Number(args.length);
    if (!name) throw new SlackApiError('invalid_arguments');
    if (!Number.isInteger(length) || length <= 0) throw new SlackApiError('invalid_arguments');
    const fileId = this.workspace.newId('F');
    this.workspace.uploads.set(fileId, { name, length });
    return { upload_url: `${this.hooks.baseUrl()}/upload/v1/${fileId}`, file_id: fileId };
  }

  private completeUpload(args: Record<string, string>): Record<string, unknown> {
    let requested: { id?: string; title?: string }[];
    try {
      requested = JSON.parse(args.files ?? '') as { id?: string; title?: string }[];
    } catch {
      throw new SlackApiError('invalid_arguments');
    }
    if (!Array.isArray(requested) || requested.length === 0) {
      throw new SlackApiError('invalid_arguments');
    }
    const channel = args.channel_id ? this.conversation(args.channel_id).id : undefined;
    const threadTs = args.thread_ts || undefined;
    const ts = this.workspace.nextTs();
    const files = requested.map(({ id, title }) => {
      const upload = this.workspace.uploads.get(id ?? '');
      if (!upload?.bytes) throw new SlackApiError('file_upload_not_found');
      this.workspace.uploads.delete(id ?? '');
      const file = {
        id: id ?? '',
        name: upload.name,
        title: title ?? upload.name,
        mimetype: 'application/octet-stream',
        bytes: upload.bytes,
      };
      this.workspace.files.set(file.id, file);
      return file;
    });
    if (channel) {
      this.workspace.recordAuthor(channel, ts, this.workspace.identity.botUserId);
      this.workspace.sent.push({
        method: 'files.completeUploadExternal',
        channel,
        ts,
        text: args.initial_comment ?? '',
        ...(threadTs ? { threadTs } : {}),
        files: files.map(({ id, name, title, bytes }) => ({
          id,
          name,
          title,
          bytes: bytes.length,
        })),
      });
    }
    const shares = channel
      ? { public: { [channel]: [{ ts, ...(threadTs ? { thread_ts: threadTs } : {}) }] } }
      : {};
    return {
      files: files.map(({ id, name, title, bytes }) => ({
        id,
        name,
        title,
        size: bytes.length,
        shares,
        channels: channel ? [channel] : [],
      })),
    };
  }

  private conversation(id: string | undefined) {
    const conversation = id ? this.workspace.conversations.get(id) : undefined;
    if (!conversation) throw new SlackApiError('channel_not_found');
    return conversation;
  }
}

function failureAnswer(failure: SlackFailure): ApiAnswer {
  switch (failure.kind) {
    case 'ratelimited':
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(failure.retryAfterSeconds) },
      };
    case 'http':
      return { status: failure.status, body: { ok: false, error: 'fake_http_failure' } };
    case 'error':
      return { status: 200, body: { ok: false, error: failure.error } };
  }
}
