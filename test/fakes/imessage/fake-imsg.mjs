#!/usr/bin/env node
// A stand-in for `imsg rpc` (steipete/imsg docs/rpc.md): JSON-RPC 2.0 over stdin/stdout,
// one object per line — `watch.subscribe` (then `message` notifications, `since_rowid`
// replays newer rows), `send`, `chats.list`. The Messages database is the test: the
// wrapper script passes `--control <socket>`, over which the test (test/fakes/imessage/
// host.ts) sends the messages "in the database" and hears every request.
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { setImmediate } from 'node:timers';

const args = process.argv.slice(2);
const at = args.indexOf('--control');
const controlPath = args[at + 1];
args.splice(at, 2);
if (args[0] !== 'rpc') {
  process.stderr.write(`usage: imsg rpc [--db path]\n`);
  process.exit(64);
}

const rows = [];
const subscriptions = new Map();
let nextSubscription = 1;
const control = createConnection(controlPath);
const tell = (message) => control.write(`${JSON.stringify(message)}\n`);
const write = (message) =>
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

const notify = (row) => {
  for (const [subscription, options] of subscriptions) {
    const message = options.attachments ? row : { ...row, attachments: [] };
    write({ method: 'message', params: { subscription, message } });
  }
};

createInterface({ input: control }).on('line', (line) => {
  const event = JSON.parse(line);
  if (event.type === 'row') {
    rows.push(event.message);
    notify(event.message);
  }
});
control.on('close', () => process.exit(0));
tell({ type: 'hello', pid: process.pid, args });

const handle = (method, params) => {
  switch (method) {
    case 'watch.subscribe': {
      const subscription = nextSubscription++;
      subscriptions.set(subscription, { attachments: params.attachments === true });
      if (typeof params.since_rowid === 'number') {
        const since = params.since_rowid;
        setImmediate(() => {
          for (const row of rows) if (row.id > since) notify(row);
        });
      }
      return { subscription };
    }
    case 'watch.unsubscribe':
      subscriptions.delete(params.subscription);
      return { ok: true };
    case 'send':
      if (!params.text && !params.file) {
        throw { code: -32602, message: 'text or file is required' };
      }
      return { ok: true };
    case 'chats.list':
      return { chats: [] };
    default:
      throw { code: -32601, message: `method not found: ${method}` };
  }
};

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  const request = JSON.parse(line);
  const params = request.params ?? {};
  tell({ type: 'request', method: request.method, params });
  try {
    write({ id: request.id, result: handle(request.method, params) });
  } catch (error) {
    write({ id: request.id, error: { code: error.code, message: error.message } });
  }
});
process.stdin.on('end', () => process.exit(0));
