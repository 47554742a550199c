/**
 * A person on the test homeserver, talking over the client-server API with plain HTTP as
 * any Matrix client does: create rooms and invite the bot, send messages, edits, threads
 * and images, and read what the bot wrote back from the room's history.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DendriteInfo, MatrixTestUser } from './dendrite.js';

/** A room event as /messages returns it. */
export interface RoomEvent {
  event_id: string;
  sender: string;
  type: string;
  origin_server_ts: number;
  content: Record<string, unknown> & {
    body?: string;
    msgtype?: string;
    formatted_body?: string;
    url?: string;
    'm.relates_to'?: {
      rel_type?: string;
      event_id?: string;
      'm.in_reply_to'?: { event_id: string };
    };
  };
}

let transactions = 0;

/** One logged-in person. */
export class MatrixPerson {
  constructor(
    readonly server: DendriteInfo,
    readonly user: MatrixTestUser,
  ) {}

  get userId(): string {
    return this.user.userId;
  }

  /** A client-server API call; throws with the homeserver's error on a non-2xx. */
  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.server.url}/_matrix/client/v3${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.user.accessToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as T;
    if (!response.ok)
      throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A direct chat with `userId` (is_direct invite, as clients start DMs). */
  async createDirectRoom(userId: string): Promise<string> {
    const { room_id } = await this.api<{ room_id: string }>('POST', '/createRoom', {
      preset: 'trusted_private_chat',
      is_direct: true,
      invite: [userId],
    });
    return room_id;
  }

  /** A group room with these people invited. */
  async createRoom(name: string, invite: string[]): Promise<string> {
    const { room_id } = await this.api<{ room_id: string }>('POST', '/createRoom', {
      preset: 'private_chat',
      name,
      invite,
    });
    return room_id;
  }

  async join(roomId: string): Promise<void> {
    await this.api('POST', `/join/${encodeURIComponent(roomId)}`, {});
  }

  /** Send an m.room.message; returns its event id. */
  async send(roomId: string, content: Record<string, unknown>): Promise<string> {
    const txn = `person-${process.pid}-${Date.now()}-${transactions++}`;
    const { event_id } = await this.api<{ event_id: string }>(
      'PUT',
      `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
      content,
    );
    return event_id;
  }

  /** Plain text. */
  say(roomId: string, text: string): Promise<string> {
    return this.send(roomId, { msgtype: 'm.text', body: text });
  }

  /** Upload bytes to the media repository; returns the mxc URI. */
  async upload(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string> {
    const response = await fetch(
      `${this.server.url}/_matrix/media/v3/upload?filename=${encodeURIComponent(fileName)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.user.accessToken}`, 'content-type': mimeType },
        body: new Uint8Array(bytes),
      },
    );
    const json = (await response.json()) as { content_uri?: string };
    if (!response.ok || !json.content_uri) throw new Error(`upload failed: ${response.status}`);
    return json.content_uri;
  }

  /** Download an mxc URI (authenticated media, else the legacy endpoint). */
  async download(mxc: string): Promise<Buffer> {
    const path = mxc.replace(/^mxc:\/\//, '');
    for (const prefix of ['/_matrix/client/v1/media/download/', '/_matrix/media/v3/download/']) {
      const response = await fetch(`${this.server.url}${prefix}${path}`, {
        headers: { authorization: `Bearer ${this.user.accessToken}` },
      });
      if (response.ok) return Buffer.from(await response.arrayBuffer());
    }
    throw new Error(`could not download ${mxc}`);
  }

  /** The room's message events, oldest first (the last 200). */
  async messages(roomId: string): Promise<RoomEvent[]> {
    const { chunk } = await this.api<{ chunk: RoomEvent[] }>(
      'GET',
      `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=200`,
    );
    return chunk.filter((event) => event.type === 'm.room.message').reverse();
  }

  /** Messages from `sender` in the room, once at least `count` are there. */
  async waitForMessagesFrom(sender: string, roomId: string, count = 1): Promise<RoomEvent[]> {
    for (;;) {
      const from = (await this.messages(roomId)).filter((event) => event.sender === sender);
      if (from.length >= count) return from;
      await sleep(150);
    }
  }

  /** Wait until `userId` has joined the room. */
  async waitForJoin(roomId: string, userId: string): Promise<void> {
    for (;;) {
      const { joined } = await this.api<{ joined: Record<string, unknown> }>(
        'GET',
        `/rooms/${encodeURIComponent(roomId)}/joined_members`,
      );
      if (userId in joined) return;
      await sleep(150);
    }
  }
}
