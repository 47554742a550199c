#!/usr/bin/env node
// A stand-in for the `signal-cli` executable, for autoStart tests. Called as
// `fake-signal-cli.mjs --target <url> --record <file> -a <account> daemon --http <host:port>`
// (the test's wrapper script adds the first two): it records its arguments, then serves
// <host:port> by forwarding every request to the fake daemon at <url> (SSE included),
// until it is sent SIGTERM.
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';

const args = process.argv.slice(2);
const take = (flag) => {
  const at = args.indexOf(flag);
  if (at === -1) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const target = new URL(take('--target'));
const record = take('--record');
if (record) writeFileSync(record, JSON.stringify(args));
const listen = args[args.indexOf('--http') + 1];
if (args[2] !== 'daemon' || !listen) {
  process.stderr.write(`unexpected arguments: ${args.join(' ')}\n`);
  process.exit(2);
}
const [host, port] = listen.split(':');

const server = createServer((incoming, outgoing) => {
  const forwarded = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', () => outgoing.destroy());
  outgoing.on('close', () => forwarded.destroy());
  incoming.pipe(forwarded);
});
server.listen(Number(port), host, () => process.stderr.write(`listening on ${listen}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
