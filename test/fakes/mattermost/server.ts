// A fake Mattermost server on 127.0.0.1 keeping to the documented API v4 wire format:
// bearer tokens, GET /api/v4/users/me, POST /api/v4/posts (a pending_post_id seen before
// returns the post created for it), POST /api/v4/files (multipart channel_id + files →
// { file_infos }), GET /api/v4/files/{id}, errors as { id, message, status_code }; and the
// WebSocket event stream at /api/v4/websocket: the client's authentication_challenge is
// answered { status: "OK", seq_reply }, then the `hello` event, then `posted` events
// (the post as a JSON string, channel_type, sender_name, mentions) with a per-connection seq.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readBody, readJson, sendJson } from '../http-fake.js';

/** A user of the fake server. */
export interface MmUser {
  id: string;
  username: string;
  token: string;
}

/** A channel: D direct, G group message, O public, P private. */
export interface MmChannel {
  id: string;
  type: 'D' | 'G' | 'O' | 'P';
  name: string;
}

/** A post as the server stores and returns it. */
export interface MmPost {
  id: string;
  create_at: number;
  update_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type: string;
  pending_post_id: string;
  file_ids: string[];
  metadata: { files?: { id: string; name: string; size: number; mime_type: string }[] };
}

interface StoredFile {
  id: string;
  name: string;
  size: number;
  mime_type: string;
  bytes: Buffer;
}

/** A running fake. */
export interface FakeMattermost {
  url: string;
  bot: MmUser;
  posts: MmPost[];
  files: Map<string, StoredFile>;
  /** WebSocket actions clients sent (user_typing, ...), with the user who sent them. */
  actions: { userId: string; action: string; data: Record<string, unknown> }[];
  addUser(username: string): MmUser;
  addChannel(type: MmChannel['type'], name: string): MmChannel;
  /** A person posts (as a client would through the API); broadcast as `posted`. */
  userPosts(
    user: MmUser,
    channel: MmChannel,
    message: string,
    options?: { rootId?: string; fileIds?: string[] },
  ): MmPost;
  /** A person uploads a file; returns its id. */
  userUploads(user: MmUser, name: string, bytes: Buffer, mimeType: string): string;
  /** Posts by the bot in a channel. */
  botPostsIn(channelId: string): MmPost[];
  /** The next bot post is created (and broadcast) but answered with this status. */
  acceptNextPostThenFail(status: number): void;
  /** Close every WebSocket connection (the server restarting). */
  dropConnections(): void;
  /** Open, authenticated WebSocket connections. */
  connections(): number;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** Start the fake on a free port. */
export async function startFakeMattermost(): Promise<FakeMattermost> {
  const waiter = changeWaiter();
  const users = new Map<string, MmUser>();
  const channels = new Map<string, MmChannel>();
  const posts: MmPost[] = [];
  const byPending = new Map<string, MmPost>();
  const files = new Map<string, StoredFile>();
  const actions: FakeMattermost['actions'] = [];
  const sockets = new Map<WebSocket, { userId?: string; seq: number }>();
  let postFailure: number | undefined;
  const newId = () => randomUUID().replace(/-/g, '').slice(0, 26);

  const addUser = (username: string): MmUser => {
    const user = { id: newId(), username, token: `token-${username}-${randomUUID()}` };
    users.set(user.id, user);
    return user;
  };
  const bot = addUser('clawd');
  // The server takes "Authorization: Bearer <token>" with the scheme in any case (Client4
  // sends BEARER) and the older "Token <token>".
  const userByToken = (authorization: string | undefined) => {
    const match = /^(?:bearer|token) (.+)$/i.exec(authorization ?? '');
    return [...users.values()].find((user) => match?.[1] === user.token);
  };

  const json = (response: ServerResponse, status: number, body: unknown) => {
    // Client4 parses a body only when the content type is exactly application/json.
    sendJson(response, status, body);
    waiter.changed();
  };
  const error = (response: ServerResponse, status: number, id: string, message: string) =>
    json(response, status, {
      id,
      message,
      detailed_error: '',
      request_id: newId(),
      status_code: status,
    });

  const broadcastPosted = (post: MmPost, sender: MmUser) => {
    const channel = channels.get(post.channel_id)!;
    const mentions = [...users.values()]
      .filter((user) => new RegExp(`@${user.username}\\b`).test(post.message))
      .map((user) => user.id);
    for (const [socket, state] of sockets) {
      if (!state.userId) continue;
      state.seq += 1;
      socket.send(
        JSON.stringify({
          event: 'posted',
          data: {
            channel_display_name: channel.name,
            channel_name: channel.name,
            channel_type: channel.type,
            post: JSON.stringify(post),
            sender_name: `@${sender.username}`,
            team_id: '',
            ...(mentions.length > 0 ? { mentions: JSON.stringify(mentions) } : {}),
          },
          broadcast: { omit_users: null, user_id: '', channel_id: post.channel_id, team_id: '' },
          seq: state.seq,
        }),
      );
    }
  };

  const createPost = (
    user: MmUser,
    input: {
      channel_id: string;
      message: string;
      root_id?: string;
      pending_post_id?: string;
      file_ids?: string[];
    },
  ): MmPost => {
    const now = Date.now();
    const fileIds = input.file_ids ?? [];
    const post: MmPost = {
      id: newId(),
      create_at: now,
      update_at: now,
      user_id: user.id,
      channel_id: input.channel_id,
      root_id: input.root_id ?? '',
      message: input.message,
      type: '',
      pending_post_id: input.pending_post_id ?? '',
      file_ids: fileIds,
      metadata: fileIds.length
        ? {
            files: fileIds.map((id) => {
              const { bytes: _bytes, ...info } = files.get(id)!;
              return info;
            }),
          }
        : {},
    };
    posts.push(post);
    if (post.pending_post_id) byPending.set(post.pending_post_id, post);
    broadcastPosted(post, user);
    waiter.changed();
    return post;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const method = request.method ?? 'GET';
    const user = userByToken(request.headers.authorization);
    if (!user)
      return error(
        response,
        401,
        'api.context.session_expired.app_error',
        'Invalid or expired session, please login again.',
      );
    if (method === 'GET' && path === '/api/v4/users/me') {
      return json(response, 200, { id: user.id, username: user.username, is_bot: user === bot });
    }
    if (method === 'POST' && path === '/api/v4/posts') {
      const body = await readJson<Parameters<typeof createPost>[1]>(request);
      if (!channels.has(body.channel_id)) {
        return error(
          response,
          403,
          'api.context.permissions.app_error',
          'You do not have the appropriate permissions.',
        );
      }
      const existing = body.pending_post_id ? byPending.get(body.pending_post_id) : undefined;
      if (existing) return json(response, 201, existing);
      const created = createPost(user, body);
      if (postFailure !== undefined) {
        const status = postFailure;
        postFailure = undefined;
        return error(response, status, 'app.post.save.app_error', 'Unable to save the post.');
      }
      return json(response, 201, created);
    }
    if (method === 'POST' && path === '/api/v4/files') {
      const body = await readBody(request);
      const form = await new Response(body, {
        headers: { 'content-type': request.headers['content-type'] ?? '' },
      }).formData();
      const file = form.get('files');
      if (!(file instanceof Blob) || !form.get('channel_id')) {
        return error(
          response,
          400,
          'api.file.upload_file.incorrect_number_of_files.app_error',
          'Unable to upload file(s).',
        );
      }
      const bytes = Buffer.from(await file.arrayBuffer());
      const stored: StoredFile = {
        id: newId(),
        name: file.name,
        size: bytes.length,
        mime_type: file.type || 'application/octet-stream',
        bytes,
      };
      files.set(stored.id, stored);
      const { bytes: _bytes, ...info } = stored;
      return json(response, 201, { file_infos: [info], client_ids: [] });
    }
    const file = /^\/api\/v4\/files\/([^/]+)$/.exec(path);
    if (method === 'GET' && file) {
      const stored = files.get(file[1]!);
      if (!stored)
        return error(response, 404, 'app.file_info.get.app_error', 'Unable to find the file.');
      response.writeHead(200, { 'Content-Type': stored.mime_type });
      response.end(stored.bytes);
      return;
    }
    return error(response, 404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
  };

  const http = await listenHttpFake(handle, {
    onError: (response, failure) => error(response, 500, 'internal', failure.message),
  });
  const wss = new WebSocketServer({ server: http.server, path: '/api/v4/websocket' });
  wss.on('connection', (socket) => {
    const state: { userId?: string; seq: number } = { seq: 0 };
    sockets.set(socket, state);
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as {
        seq: number;
        action: string;
        data: Record<string, unknown>;
      };
      if (message.action === 'authentication_challenge') {
        const user = userByToken(`Bearer ${String(message.data.token)}`);
        if (!user) {
          socket.send(
            JSON.stringify({
              status: 'FAIL',
              seq_reply: message.seq,
              error: { id: 'api.web_socket_router.not_authenticated.app_error' },
            }),
          );
          socket.close();
          return;
        }
        state.userId = user.id;
        socket.send(JSON.stringify({ status: 'OK', seq_reply: message.seq }));
        socket.send(
          JSON.stringify({
            event: 'hello',
            data: {
              server_version: '10.5.0.fake',
              connection_id: newId(),
              server_hostname: 'fake',
            },
            broadcast: { omit_users: null, user_id: user.id, channel_id: '', team_id: '' },
            seq: 0,
          }),
        );
        waiter.changed();
        return;
      }
      if (!state.userId) return;
      actions.push({ userId: state.userId, action: message.action, data: message.data });
      socket.send(JSON.stringify({ status: 'OK', seq_reply: message.seq }));
      waiter.changed();
    });
    socket.on('close', () => {
      sockets.delete(socket);
      waiter.changed();
    });
  });

  return {
    url: http.url,
    bot,
    posts,
    files,
    actions,
    addUser,
    addChannel: (type, name) => {
      const channel = { id: newId(), type, name };
      channels.set(channel.id, channel);
      return channel;
    },
    userPosts: (user, channel, message, options = {}) =>
      createPost(user, {
        channel_id: channel.id,
        message,
        ...(options.rootId ? { root_id: options.rootId } : {}),
        ...(options.fileIds ? { file_ids: options.fileIds } : {}),
      }),
    userUploads: (_user, name, bytes, mimeType) => {
      const id = newId();
      files.set(id, { id, name, size: bytes.length, mime_type: mimeType, bytes });
      return id;
    },
    botPostsIn: (channelId) =>
      posts.filter((post) => post.user_id === bot.id && post.channel_id === channelId),
    acceptNextPostThenFail: (status) => (postFailure = status),
    dropConnections: () => {
      for (const socket of sockets.keys()) socket.terminate();
    },
    connections: () => [...sockets.values()].filter((state) => state.userId).length,
    waitFor: (check) => waiter.waitFor(check),
    close: async () => {
      for (const socket of sockets.keys()) socket.terminate();
      wss.close();
      await http.close();
    },
  };
}
