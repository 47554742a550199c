import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startFakeEmbeddingsServer,
  type FakeEmbeddingsServer,
} from '../fakes/embeddings-server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { expectBundledPluginLoaded } from '../helpers/bundled-plugin.js';

// The bundled session-memory plugin in the real runtime: resetting a session (/new, or
// sessions.reset) runs its session_end hook in the sessionEndHooks workflow; one model call
// (the scripted LLM) summarises the old session into a note in memory/.

let llm: FakeLlmServer;
let embeddings: FakeEmbeddingsServer;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer();
  embeddings = await startFakeEmbeddingsServer({ apiKey: 'sk-embed' });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: {
      agent: { id: 'smtest' },
      memory: {
        embeddings: {
          provider: 'openai',
          baseUrl: embeddings.baseUrl,
          apiKey: 'sk-embed',
          model: 'fake-embed-small',
        },
      },
      plugins: { entries: { 'session-memory': { enabled: true } } },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
  await embeddings?.close();
});

async function turn(sessionKey: string, message: string): Promise<void> {
  const { runId } = (await harness.call('agent', {
    sessionKey,
    message,
    idempotencyKey: `${sessionKey}:${message}`,
  })) as { runId: string };
  // Short waits, repeated: the gateway client gives up on an answer after 15 s.
  for (let waited = 0; waited < 12; waited++) {
    const outcome = (await harness.call('agent.wait', { runId, timeoutMs: 10_000 })) as {
      status: string;
    };
    if (outcome.status !== 'timeout') return;
  }
  throw new Error(`run ${runId} did not finish`);
}

const memoryDir = () => join(harness.paths.workspaceDir, 'memory');

/** The note file whose name matches, once it exists. */
async function noteNamed(pattern: RegExp): Promise<string> {
  for (let waited = 0; waited < 600; waited++) {
    const name = existsSync(memoryDir())
      ? readdirSync(memoryDir()).find((file) => pattern.test(file))
      : undefined;
    if (name) return readFileSync(join(memoryDir(), name), 'utf8');
    await sleep(100);
  }
  throw new Error(`no memory note matching ${pattern}`);
}

describe('session-memory', () => {
  it('is the bundled plugin in extensions/session-memory, loaded, with its session_end hook', async () => {
    const plugin = await expectBundledPluginLoaded(
      (method, params) => harness.call(method, params),
      'session-memory',
      'extensions/session-memory',
    );
    expect(plugin.registered).toMatchObject({ hooks: ['session_end'] });
  });

  it('/new summarises the old session into a note in memory/', async () => {
    const key = 'agent:smtest:tea';
    await turn(key, 'Remember: my favourite tea is Zorblax oolong, brewed at 85 degrees.');
    llm.scriptFor('Conversation to remember', [
      {
        kind: 'text',
        text: 'Title: Favourite tea\n- The user’s favourite tea is Zorblax oolong, brewed at 85 °C.',
      },
    ]);
    await turn(key, '/new');
    const note = await noteNamed(/^\d{4}-\d{2}-\d{2}-favourite-tea\.md$/);
    expect(note).toContain('Zorblax oolong');
    expect(note).toContain('(new)');
    // The summary call saw the old conversation.
    const summaryCall = llm.requests.find((request) =>
      request.userText.includes('Conversation to remember'),
    );
    expect(summaryCall?.userText).toContain('my favourite tea is Zorblax oolong');
  });

  it('sessions.reset writes a note too, once per session', async () => {
    const key = 'agent:smtest:bikes';
    await turn(key, 'My bike is a green Gazelle from 1987.');
    llm.scriptFor('Conversation to remember', [
      { kind: 'text', text: 'Title: The bike\n- The user rides a green 1987 Gazelle.' },
    ]);
    await harness.call('sessions.reset', { key });
    const note = await noteNamed(/-the-bike\.md$/);
    expect(note).toContain('green 1987 Gazelle');
    expect(note).toContain('(api)');
    const notes = readdirSync(memoryDir()).filter((file) => file.includes('the-bike'));
    expect(notes).toHaveLength(1);
  });
});
