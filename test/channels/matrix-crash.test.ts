// Matrix across a worker crash: `clawdbot gateway --no-worker` (hosting the Matrix account
// and its delivery queue) and `clawdbot worker` as child processes, against the test run's
// Dendrite. The worker is SIGKILLed mid-turn; a new one finishes the turn, and the room
// gets exactly one reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelProcesses, type ChannelProcessesHarness } from '../helpers/channel-harness.js';
import { createMatrixUser, type MatrixTestUser } from '../helpers/dendrite.js';
import { MatrixPerson } from '../helpers/matrix-person.js';

const agentId = 'mxcrash';
const prefix = `mxc${process.pid}`;

let llm: FakeLlmServer;
let bot: MatrixTestUser;
let alice: MatrixPerson;
let harness: ChannelProcessesHarness;

const llmSaw = (text: string) =>
  llm.requests.filter((request) => request.userText.includes(text)).length;

beforeAll(async () => {
  const dendrite = inject('dendrite');
  if (!dendrite) throw new Error('no Dendrite in this run (test/setup/dendrite-server.ts)');
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  bot = await createMatrixUser(dendrite, `${prefix}bot`);
  alice = new MatrixPerson(dendrite, await createMatrixUser(dendrite, `${prefix}alice`));
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      matrix: {
        homeserver: dendrite.url,
        userId: bot.userId,
        accessToken: bot.accessToken,
        allowFrom: [alice.userId],
      },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('matrix channel across a worker crash', () => {
  it('answers exactly once when the worker is SIGKILLed mid-turn and a new one starts', async () => {
    const room = await alice.createDirectRoom(bot.userId);
    await alice.waitForJoin(room, bot.userId);
    // The model hangs until its client goes away: the turn is mid-LLM-call when killed.
    llm.scriptFor('survive the worker crash', [{ kind: 'stall' }]);
    await alice.say(room, 'survive the worker crash');
    while (llmSaw('survive the worker crash') < 1) await sleep(50);
    await harness.killWorker();
    harness.startWorker();
    const [reply] = await alice.waitForMessagesFrom(bot.userId, room);
    expect(reply!.content.body).toBe('echo: survive the worker crash');
    await alice.say(room, 'and after that');
    await alice.waitForMessagesFrom(bot.userId, room, 2);
    const replies = (await alice.messages(room)).filter((event) => event.sender === bot.userId);
    expect(replies.map((event) => event.content.body)).toEqual([
      'echo: survive the worker crash',
      'echo: and after that',
    ]);
  });
});
