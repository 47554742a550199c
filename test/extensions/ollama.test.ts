import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openGateway } from '../../cli/gateway-connection.js';
import { streamTurn } from '../../cli/turn-stream.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { expectBundledPluginLoaded } from '../helpers/bundled-plugin.js';

// The bundled ollama plugin as a provider: agent.model `ollama/llama3.2` is called through
// the fake Ollama's OpenAI-compatible endpoint (the real OpenAI SDK, streaming, tools), and
// models.list shows what its /api/tags lists.

let llm: FakeLlmServer;
let ollama: FakeOllama;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer();
  ollama = await startFakeOllama({
    llm,
    models: [
      { name: 'llama3.2', parameterSize: '3.2B' },
      { name: 'qwen2.5:7b', family: 'qwen2', parameterSize: '7.6B' },
    ],
  });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: {
      agent: { id: 'ollamatest', model: 'ollama/llama3.2' },
      plugins: { entries: { ollama: { enabled: true, config: { baseUrl: ollama.url } } } },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await ollama?.close();
  await llm?.close();
});

/** Send a message over the gateway and collect the reply as the client sees it stream. */
async function streamedTurn(sessionKey: string, message: string) {
  const gateway = await openGateway({
    url: harness.url.replace('http', 'ws') + '/',
    timeoutMs: 60_000,
  });
  try {
    const chunks: string[] = [];
    const stream = streamTurn(gateway, sessionKey, {
      text: (chunk) => chunks.push(chunk),
      note: () => undefined,
    });
    const sent = (await gateway.request('chat.send', {
      sessionKey,
      message,
      idempotencyKey: `${sessionKey}:${message}`,
    })) as { runId: string };
    stream.follow(sent.runId);
    const end = await stream.ended;
    return { end, chunks };
  } finally {
    gateway.close();
  }
}

describe('ollama provider plugin', () => {
  it('is the bundled plugin in extensions/ollama, loaded, with the ollama provider', async () => {
    const plugin = await expectBundledPluginLoaded(
      (method, params) => harness.call(method, params),
      'ollama',
      'extensions/ollama',
    );
    expect(plugin.registered).toMatchObject({ providers: ['ollama'] });
  });

  it('a turn with ollama/llama3.2 streams through the Ollama endpoint', async () => {
    const { end, chunks } = await streamedTurn('agent:ollamatest:stream', 'tell me four words');
    expect(end.state).toBe('final');
    expect(end.text).toBe('echo: tell me four words');
    // The client saw the reply arrive in pieces, not as one final message.
    expect(chunks.length).toBeGreaterThan(1);
    const chat = ollama.requests.find((request) => request.path === '/v1/chat/completions');
    expect(chat?.model).toBe('llama3.2');
    const upstream = llm.requests.at(-1)!;
    expect(upstream.stream).toBe(true);
    expect(upstream.headers.authorization).toBe('Bearer ollama');
  });

  it('tool calls work through it', async () => {
    writeFileSync(join(harness.paths.workspaceDir, 'ollama-note.txt'), 'the llama says hi');
    const { end } = await streamedTurn(
      'agent:ollamatest:tools',
      'TOOL read_file {"path":"ollama-note.txt"}',
    );
    expect(end.state).toBe('final');
    expect(end.text).toContain('the llama says hi');
    const offered = JSON.stringify(llm.requests.at(-1)!.body);
    expect(offered).toContain('read_file');
  });

  it('models.list shows the models Ollama has installed', async () => {
    const { models } = (await harness.call('models.list')) as {
      models: { ref: string; provider: string; default: boolean; name: string }[];
    };
    expect(models.find((model) => model.default)).toMatchObject({
      ref: 'ollama/llama3.2',
      provider: 'ollama',
    });
    expect(models.map((model) => model.ref)).toEqual(
      expect.arrayContaining(['ollama/llama3.2:latest', 'ollama/qwen2.5:7b']),
    );
    expect(models.find((model) => model.ref === 'ollama/qwen2.5:7b')?.name).toContain('7.6B');
    expect(ollama.requests.some((request) => request.path === '/api/tags')).toBe(true);
  });
});
