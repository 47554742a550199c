/**
 * The test's side of the fake `imsg` (fake-imsg.mjs): it plays the Mac's Messages
 * database and its other participants. `cliPath` is a wrapper script that runs the fake
 * with a control socket back to this host; every child the plugin spawns connects, gets
 * each new message row, and reports every JSON-RPC request it answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { changeWaiter } from '../change-waiter.js';

/** A message row as imsg sends it. */
export type ImsgRow = Record<string, unknown> & { id: number; guid: string; chat_id: number };

/** One `send` the plugin made. */
export interface ImsgSent {
  chat_id?: number;
  to?: string;
  text?: string;
  file?: string;
  service?: string;
}

/** The host and its controls. */
export interface FakeImsg {
  /** The executable to configure as cliPath. */
  cliPath: string;
  /** Sends, in order. */
  sent: ImsgSent[];
  requests: { method: string; params: Record<string, unknown> }[];
  /** The argument lists the children were started with. */
  starts: string[][];
  /** Children connected right now. */
  children(): number;
  /** A participant writes (direct chat by default); returns the row. */
  userSends(
    sender: string,
    text: string,
    options?: { chatId?: number; group?: boolean; attachments?: Record<string, unknown>[] },
  ): ImsgRow;
  /** The same row again (imsg's watcher re-reading it). */
  redeliver(row: ImsgRow): void;
  /** SIGKILL the running children (the plugin must restart imsg). */
  killChildren(): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** Start the host and write the wrapper script. */
export async function startFakeImsg(): Promise<FakeImsg> {
  const waiter = changeWaiter();
  const dir = await mkdtemp(join(tmpdir(), 'fake-imsg-'));
  const socketPath = join(dir, 'control.sock');
  const cliPath = join(dir, 'imsg');
  const script = resolve('test/fakes/imessage/fake-imsg.mjs');
  await writeFile(
    cliPath,
    `#!/bin/sh\nexec "${process.execPath}" "${script}" --control "${socketPath}" "$@"\n`,
    { mode: 0o755 },
  );
  const rows: ImsgRow[] = [];
  const children = new Map<Socket, number>();
  const sent: ImsgSent[] = [];
  const requests: FakeImsg['requests'] = [];
  const starts: string[][] = [];
  let nextRow = 1;
  // One direct chat per participant, as in the Messages database.
  const directChats = new Map<string, number>();

  const server = createServer((socket) => {
    createInterface({ input: socket }).on('line', (line) => {
      const event = JSON.parse(line) as {
        type: string;
        pid?: number;
        args?: string[];
        method?: string;
        params?: Record<string, unknown>;
      };
      if (event.type === 'hello') {
        children.set(socket, event.pid!);
        starts.push(event.args!);
        // A new imsg reads the database as it is: every row so far.
        for (const row of rows) socket.write(`${JSON.stringify({ type: 'row', message: row })}\n`);
      } else if (event.type === 'request') {
        requests.push({ method: event.method!, params: event.params! });
        if (event.method === 'send') sent.push(event.params as ImsgSent);
      }
      waiter.changed();
    });
    socket.on('close', () => {
      children.delete(socket);
      waiter.changed();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => server.listen(socketPath, done));

  const broadcast = (row: ImsgRow) => {
    for (const socket of children.keys()) {
      socket.write(`${JSON.stringify({ type: 'row', message: row })}\n`);
    }
    waiter.changed();
  };

  return {
    cliPath,
    sent,
    requests,
    starts,
    children: () => children.size,
    userSends(sender, text, options = {}) {
      const id = nextRow++;
      if (!directChats.has(sender)) directChats.set(sender, 1000 + directChats.size);
      const chatId = options.chatId ?? directChats.get(sender)!;
      const group = options.group ?? false;
      const row: ImsgRow = {
        id,
        chat_id: chatId,
        guid: `F1E2D3C4-0000-4000-8000-${String(id).padStart(12, '0')}`,
        sender,
        is_from_me: false,
        text,
        created_at: new Date().toISOString(),
        attachments: options.attachments ?? [],
        reactions: [],
        chat_identifier: group ? `chat${chatId}` : sender,
        chat_guid: group ? `iMessage;+;chat${chatId}` : `iMessage;-;${sender}`,
        chat_name: group ? 'Test group' : '',
        participants: [sender],
        is_group: group,
      };
      rows.push(row);
      broadcast(row);
      return row;
    },
    redeliver: (row) => broadcast(row),
    killChildren() {
      for (const pid of children.values()) process.kill(pid, 'SIGKILL');
    },
    waitFor: (check) => waiter.waitFor(check),
    async close() {
      for (const socket of children.keys()) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
