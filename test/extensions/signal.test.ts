// Signal end to end: the signal plugin against the fake signal-cli daemon (JSON-RPC + SSE
// over 127.0.0.1), the real gateway with its channel manager and delivery worker, the agent
// worker, Temporal and the scripted LLM — all in this process. A second account starts its
// own "signal-cli" (a fake executable) with autoStart.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signalChannel } from '../../extensions/signal/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeSignal, type FakeSignal, type SignalUser } from '../fakes/signal/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { freePort } from '../../core/net.js';

const agentId = 'sigmain';
const user = (n: number): SignalUser => ({
  number: `+1555000100${n}`,
  uuid: `00000000-0000-4000-8000-00000000000${n}`,
  name: `User ${n}`,
});
const alice = user(1);
const bob = user(2);
const stranger = user(3);
const carol = user(4);
const group = 'c2lnbmFsLWdyb3VwLWlkLWZvci10ZXN0cw==';

let llm: FakeLlmServer;
let fake: FakeSignal;
let autoFake: FakeSignal;
let harness: ChannelGatewayHarness;
let argsFile: string;

const sentTo = (target: string, daemon = fake) =>
  daemon.sent.filter((sent) => sent.recipient?.includes(target) || sent.groupId === target);
const waitForSent = (target: string, count = 1, daemon = fake) =>
  daemon.waitFor(() => sentTo(target, daemon).length >= count && sentTo(target, daemon));
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));

type Status = { accountId: string; connected: boolean; lastError?: string; botName?: string };
const statuses = async () =>
  ((await harness.call('channels.status', { channel: 'signal' })) as { accounts: Status[] })
    .accounts;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeSignal();
  autoFake = await startFakeSignal();
  const dir = await mkdtemp(join(tmpdir(), 'fake-signal-cli-'));
  argsFile = join(dir, 'args.json');
  const cliPath = join(dir, 'signal-cli');
  const script = resolve('test/fakes/signal/fake-signal-cli.mjs');
  await writeFile(
    cliPath,
    `#!/bin/sh\nexec "${process.execPath}" "${script}" --target ${autoFake.url} --record "${argsFile}" "$@"\n`,
    { mode: 0o755 },
  );
  const autoPort = await freePort();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [signalChannel],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-account-channel-peer' },
      security: { owners: [`signal:${alice.uuid}`] },
    },
    channels: {
      signal: {
        allowFrom: [alice.uuid, bob.uuid, carol.uuid],
        groups: { [group]: { requireMention: true } },
        accounts: {
          main: { account: fake.account, httpUrl: fake.url },
          auto: {
            account: autoFake.account,
            httpUrl: `http://127.0.0.1:${autoPort}`,
            autoStart: true,
            cliPath,
          },
        },
      },
    },
  });
  await fake.waitFor(() => fake.streams() > 0);
  await autoFake.waitFor(() => autoFake.streams() > 0);
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await autoFake?.close();
  await llm?.close();
});

describe('signal plugin, end to end', () => {
  it('answers a direct message, quoting it, and shows typing', async () => {
    const envelope = fake.userSends(alice, 'hello from signal');
    const [reply] = await waitForSent(alice.uuid);
    expect(reply).toMatchObject({
      recipient: [alice.uuid],
      message: 'echo: hello from signal',
      quoteTimestamp: envelope.timestamp,
      quoteAuthor: alice.uuid,
    });
    expect(fake.typing.some((typing) => JSON.stringify(typing).includes(alice.uuid))).toBe(true);
  });

  it('runs one turn when the same envelope arrives twice', async () => {
    const envelope = fake.userSends(bob, 'only once please');
    fake.redeliver(envelope);
    await waitForSent(bob.uuid);
    fake.userSends(bob, 'next one');
    await waitForSent(bob.uuid, 2);
    expect(sentTo(bob.uuid).map((sent) => sent.message)).toEqual([
      'echo: only once please',
      'echo: next one',
    ]);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn', async () => {
    fake.userSends(stranger, 'who are you');
    const [reply] = await waitForSent(stranger.uuid);
    expect(reply!.message).toContain('Pairing code:');
    expect(reply!.message).toContain(`signalNumber: ${stranger.uuid}`);
    expect(llmSaw('who are you')).toHaveLength(0);
  });

  it('in a group answers only a message that mentions the bot', async () => {
    fake.userSends(carol, 'talking among ourselves', { groupId: group });
    fake.userSends(carol, '\uFFFC what time is it', { groupId: group, mentionsBot: true });
    const [reply] = await waitForSent(group);
    expect(reply).toMatchObject({
      groupId: group,
      message: `echo: @${fake.account} what time is it`,
    });
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });

  it('reports a dropped event stream in channels.status and loses nothing sent meanwhile', async () => {
    fake.refuseStreams(true);
    fake.dropStreams();
    await fake.waitFor(() => fake.streams() === 0);
    const down = await waitForStatus((status) => !status.connected);
    expect(down.lastError).toMatch(/event stream/);
    // Sent while the stream is down: signal-cli keeps it, the reconnect asks for it.
    fake.userSends(alice, 'sent during the outage');
    fake.refuseStreams(false);
    const replies = await fake.waitFor(
      () =>
        sentTo(alice.uuid).some((sent) => sent.message === 'echo: sent during the outage') &&
        sentTo(alice.uuid),
    );
    expect(replies.filter((sent) => sent.message.includes('outage'))).toHaveLength(1);
    await waitForStatus((status) => status.connected);
  });

  it('gives the model an image and sends a file the model names with MEDIA:', async () => {
    const photo = Buffer.from('\u00ff\u00d8\u00ff signal photo bytes');
    const stored = fake.storeAttachment(photo, 'image/jpeg', 'photo.jpg');
    fake.userSends(alice, 'what is in this picture', { attachments: [stored] });
    await fake.waitFor(() => llmSaw('what is in this picture').length > 0);
    expect(JSON.stringify(llmSaw('what is in this picture')[0]!.body)).toContain(
      photo.toString('base64'),
    );

    const chart = join(harness.paths.workspaceDir, 'out', 'signal-chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    fake.userSends(alice, 'send me the chart');
    const withFile = await fake.waitFor(() =>
      sentTo(alice.uuid).find((sent) => sent.attachments.length > 0),
    );
    expect(withFile.attachments[0]).toBe(
      `data:image/png;filename=signal-chart.png;base64,${Buffer.from('PNG chart bytes').toString('base64')}`,
    );
  });

  it('autoStart spawns signal-cli daemon for the account and serves through it', async () => {
    expect(JSON.parse(await readFile(argsFile, 'utf8'))).toEqual([
      '-a',
      autoFake.account,
      'daemon',
      '--http',
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    ]);
    autoFake.userSends(alice, 'through the spawned daemon');
    const [reply] = await waitForSent(alice.uuid, 1, autoFake);
    expect(reply!.message).toBe('echo: through the spawned daemon');
  });
});

async function waitForStatus(check: (status: Status) => boolean): Promise<Status> {
  for (;;) {
    const main = (await statuses()).find((status) => status.accountId === 'main');
    if (main && check(main)) return main;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
