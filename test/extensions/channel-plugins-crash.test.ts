// Signal, iMessage and BlueBubbles across a worker crash: the gateway (hosting the three
// plugin channels and their delivery queues) runs in this process, the agent worker as a
// `clawdbot worker` child process that is SIGKILLed while a turn waits on the LLM. A new
// worker finishes the turn and each chat gets exactly one reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bluebubblesChannel } from '../../extensions/bluebubbles/index.js';
import { imessageChannel } from '../../extensions/imessage/index.js';
import { signalChannel } from '../../extensions/signal/index.js';
import { startFakeBlueBubbles, type FakeBlueBubbles } from '../fakes/bluebubbles/server.js';
import { startFakeImsg, type FakeImsg } from '../fakes/imessage/host.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeSignal, type FakeSignal } from '../fakes/signal/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'plugcrash';
const person = { number: '+15550004001', uuid: '00000000-0000-4000-8000-000000004001', name: 'P' };

let llm: FakeLlmServer;
let signal: FakeSignal;
let imsg: FakeImsg;
let bluebubbles: FakeBlueBubbles;
let harness: ChannelGatewayHarness;

const llmSaw = (text: string) =>
  llm.requests.filter((request) => request.userText.includes(text)).length;
async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await sleep(50);
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  signal = await startFakeSignal();
  imsg = await startFakeImsg();
  bluebubbles = await startFakeBlueBubbles();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    worker: 'child',
    plugins: [signalChannel, imessageChannel, bluebubblesChannel],
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      signal: { account: signal.account, httpUrl: signal.url, allowFrom: [person.uuid] },
      imessage: { cliPath: imsg.cliPath, allowFrom: [person.number] },
      bluebubbles: {
        serverUrl: bluebubbles.url,
        password: bluebubbles.password,
        allowFrom: [person.number],
      },
    },
  });
  await signal.waitFor(() => signal.streams() > 0);
  await imsg.waitFor(() => imsg.requests.some((request) => request.method === 'watch.subscribe'));
});

afterAll(async () => {
  await harness?.close();
  await signal?.close();
  await imsg?.close();
  await bluebubbles?.close();
  await llm?.close();
});

/** Stall the model on `text`, send it with `send`, kill the worker mid-call, start another. */
async function crashMidTurn(text: string, send: () => Promise<void> | void): Promise<void> {
  llm.scriptFor(text, [{ kind: 'stall' }]);
  await send();
  await until(() => llmSaw(text) === 1);
  await harness.killWorker();
  harness.startWorker();
}

// A new worker picks the turn up only after Temporal's task timeouts: tens of seconds.
describe('plugin channels across a worker crash', { timeout: 180_000 }, () => {
  it('signal: one reply after the worker is SIGKILLed mid-turn', async () => {
    await crashMidTurn('signal survives the crash', () => {
      signal.userSends(person, 'signal survives the crash');
    });
    const replies = await signal.waitFor(() => signal.sent.length > 0 && signal.sent);
    signal.userSends(person, 'signal after the crash');
    await signal.waitFor(() => signal.sent.length >= 2);
    expect(replies.map((sent) => sent.message)).toEqual([
      'echo: signal survives the crash',
      'echo: signal after the crash',
    ]);
  });

  it('imessage: one reply after the worker is SIGKILLed mid-turn', async () => {
    await crashMidTurn('imessage survives the crash', () => {
      imsg.userSends(person.number, 'imessage survives the crash');
    });
    await imsg.waitFor(() => imsg.sent.length > 0);
    imsg.userSends(person.number, 'imessage after the crash');
    await imsg.waitFor(() => imsg.sent.length >= 2);
    expect(imsg.sent.map((sent) => sent.text)).toEqual([
      'echo: imessage survives the crash',
      'echo: imessage after the crash',
    ]);
  });

  it('bluebubbles: one reply after the worker is SIGKILLed mid-turn', async () => {
    const post = async (text: string) => {
      const response = await fetch(
        `${harness.url}/bluebubbles/webhook?password=${bluebubbles.password}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(bluebubbles.webhookMessage(person.number, text)),
        },
      );
      expect(response.status).toBe(200);
    };
    await crashMidTurn('bluebubbles survives the crash', () =>
      post('bluebubbles survives the crash'),
    );
    await bluebubbles.waitFor(() => bluebubbles.sent.length > 0);
    await post('bluebubbles after the crash');
    await bluebubbles.waitFor(() => bluebubbles.sent.length >= 2);
    expect(bluebubbles.sent.map((sent) => sent.message)).toEqual([
      'echo: bluebubbles survives the crash',
      'echo: bluebubbles after the crash',
    ]);
  });
});
