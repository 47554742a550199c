// The HTTP API end to end: the official `openai` client and plain fetch against the real
// gateway, real Temporal, an in-process worker and the scripted LLM server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway } from '../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from './helpers/agent-harness.js';

const TOKEN = 'http-api-test-token';
let llm: FakeLlmServer;
let gateway: GatewayHarness;
let client: OpenAI;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  gateway = await startGatewayHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'openai',
    config: { gateway: { auth: { token: TOKEN } } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TOKEN });
});
afterAll(async () => {
  await gateway?.close();
  await llm?.close();
});

/** The text of the user messages recorded in a session's transcript. */
async function userTexts(sessionKey: string): Promise<string[]> {
  const entries = await gateway.harness.transcript(sessionKey);
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'user'
      ? [entry.message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')]
      : [],
  );
}

function llmCallsFor(text: string): number {
  return llm.requests.filter((request) => request.userText.includes(text)).length;
}

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  return { chunks, content };
}

describe('POST /v1/chat/completions', () => {
  it('answers without streaming; system messages become extra system prompt', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'clawdbot',
        messages: [
          { role: 'system', content: 'Answer like a pirate-7.' },
          { role: 'user', content: 'hello plain' },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'echo: hello plain' },
      finish_reason: 'stop',
    });
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    const sessionKey = response.headers.get('x-clawdbot-session-key');
    expect(sessionKey).toMatch(/^agent:main:openai:[0-9a-f-]{36}$/);
    const sent = llm.requests.find((request) => request.userText === 'hello plain');
    expect(JSON.stringify(sent?.body)).toContain('Answer like a pirate-7.');
  });

  it('runs a tool-calling turn without streaming: the file exists, the answer arrives', async () => {
    llm.scriptFor('save-plain', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'write_file', arguments: { path: 'http/plain.txt', content: 'plain' } }],
      },
      { kind: 'text', text: 'Saved plain.txt for you.' },
    ]);
    const completion = await client.chat.completions.create({
      model: 'openai/fake-model',
      messages: [{ role: 'user', content: 'please save-plain' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Saved plain.txt for you.');
    const file = join(gateway.harness.paths.workspaceDir, 'http/plain.txt');
    expect(readFileSync(file, 'utf8')).toBe('plain');
  });

  it('streams a tool-calling turn: deltas, finish and usage chunks, the file written', async () => {
    const answer = 'I wrote streamed.txt, and it says hello from the stream.';
    llm.scriptFor('save-streamed', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'write_file', arguments: { path: 'http/streamed.txt', content: 'hello' } }],
      },
      { kind: 'text', text: answer, chunks: 6 },
    ]);
    const stream = await client.chat.completions.create({
      model: 'clawdbot:main',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'please save-streamed' }],
    });
    const { chunks, content } = await collect(stream);
    expect(content).toBe(answer);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(3);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      'stop',
    );
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    const file = join(gateway.harness.paths.workspaceDir, 'http/streamed.txt');
    expect(readFileSync(file, 'utf8')).toBe('hello');
  });

  it('streams a retried step without repeating text', async () => {
    const answer = 'one two three four five six seven';
    llm.scriptFor('retry-same', [
      { kind: 'drop', afterChunks: 3, text: answer },
      { kind: 'text', text: answer },
    ]);
    const stream = await client.chat.completions.create({
      model: 'clawdbot',
      stream: true,
      messages: [{ role: 'user', content: 'retry-same please' }],
    });
    expect((await collect(stream)).content).toBe(answer);
    expect(llmCallsFor('retry-same')).toBe(2);
  });

  it('after a retry that says something else, the final text follows the abandoned partial', async () => {
    llm.scriptFor('retry-other', [
      { kind: 'drop', afterChunks: 2, text: 'Alpha beta gamma delta' },
      { kind: 'text', text: 'Something else entirely' },
    ]);
    const stream = await client.chat.completions.create({
      model: 'clawdbot',
      stream: true,
      messages: [{ role: 'user', content: 'retry-other please' }],
    });
    expect((await collect(stream)).content).toBe('Alpha beta \n\nSomething else entirely');
  });

  it('keeps a session per `user`; earlier messages count only for a new session', async () => {
    const history = [
      { role: 'user' as const, content: 'my favourite colour is teal' },
      { role: 'assistant' as const, content: 'Noted.' },
    ];
    await client.chat.completions.create({
      model: 'clawdbot',
      user: 'alice',
      messages: [...history, { role: 'user', content: 'what is it, alice-1?' }],
    });
    await client.chat.completions.create({
      model: 'clawdbot',
      user: 'alice',
      messages: [...history, { role: 'user', content: 'and again, alice-2?' }],
    });
    const texts = await userTexts('agent:main:openai:alice');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('user: my favourite colour is teal\nassistant: Noted.');
    expect(texts[0]).toMatch(/\[Current message\]\nwhat is it, alice-1\?$/);
    expect(texts[1]).toBe('and again, alice-2?');
  });

  it('takes the session from x-clawdbot-session-key', async () => {
    await client.chat.completions.create(
      { model: 'clawdbot', messages: [{ role: 'user', content: 'header session hello' }] },
      { headers: { 'x-clawdbot-session-key': 'http-header-session' } },
    );
    expect(await userTexts('agent:main:http-header-session')).toEqual(['header session hello']);
  });

  it('runs one turn for a request repeated with the same idempotency-key', async () => {
    const request = {
      model: 'clawdbot',
      messages: [{ role: 'user' as const, content: 'idempotent hello' }],
    };
    const options = { headers: { 'idempotency-key': 'http-idem-1' } };
    const first = await client.chat.completions.create(request, options);
    const again = await client.chat.completions.create({ ...request, stream: true }, options);
    expect(first.choices[0]?.message.content).toBe('echo: idempotent hello');
    expect((await collect(again)).content).toBe('echo: idempotent hello');
    expect(llmCallsFor('idempotent hello')).toBe(1);
  });

  it('reports a failed turn: 502 without streaming, an error event when streaming', async () => {
    llm.scriptFor('bad-key', [
      { kind: 'error', status: 401, message: 'invalid key' },
      { kind: 'error', status: 401, message: 'invalid key' },
    ]);
    const messages = [{ role: 'user' as const, content: 'bad-key turn' }];
    const failure = await client.chat.completions.create({ model: 'clawdbot', messages }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({ status: 502, code: 'AGENT_ERROR' });
    expect((failure as Error).message).toMatch(/API key/);
    // x-should-retry: false kept the client from starting the same failing turn again.
    expect(llmCallsFor('bad-key turn')).toBe(1);

    const stream = await client.chat.completions.create({
      model: 'clawdbot',
      stream: true,
      messages,
    });
    await expect(collect(stream)).rejects.toMatchObject({ code: 'AGENT_ERROR' });
  });

  it('refuses an unknown model with 400 in OpenAI shape', async () => {
    const failure = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(failure).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'INVALID_REQUEST',
    });
  });

  it('refuses a request without a user message', async () => {
    await expect(
      client.chat.completions.create({
        model: 'clawdbot',
        messages: [{ role: 'system', content: 'x' }],
      }),
    ).rejects.toThrow(/400 messages must contain a user message/);
  });
});

describe('GET /v1/models and auth', () => {
  it('lists the agent and the configured model refs', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['clawdbot', 'clawdbot:main', 'openai/fake-model']);
  });

  it('answers a wrong token with 401 (AuthenticationError)', async () => {
    const intruder = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong-token' });
    await expect(intruder.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      intruder.chat.completions.create({
        model: 'clawdbot',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 401, type: 'authentication_error' });
  });

  it('without configured auth, serves loopback peers but not proxied requests', async () => {
    const open = await startTestGateway();
    try {
      const base = open.url.replace('ws://', 'http://');
      expect((await fetch(`${base}/v1/models`)).status).toBe(200);
      const proxied = await fetch(`${base}/v1/models`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(proxied.status).toBe(401);
      // The agent runtime is optional: without it the API says so instead of failing.
      const toolCall = await fetch(`${base}/tools/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tool: 'read_file', args: { path: 'x' } }),
      });
      expect(toolCall.status).toBe(503);
      expect(await toolCall.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    } finally {
      await open.close();
    }
  });
});

describe('POST /tools/invoke', () => {
  const invoke = (body: unknown, token = TOKEN) =>
    fetch(`${gateway.url}/tools/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('writes a file and reads it back', async () => {
    const write = await invoke({
      tool: 'write_file',
      args: { path: 'tools/round-trip.txt', content: 'round trip 42' },
    });
    expect(write.status).toBe(200);
    expect(await write.json()).toMatchObject({ ok: true, result: { isError: false } });
    const read = await invoke({ tool: 'read_file', args: { path: 'tools/round-trip.txt' } });
    const body = (await read.json()) as { ok: boolean; result: { text: string; isError: boolean } };
    expect(body.ok).toBe(true);
    expect(body.result.isError).toBe(false);
    expect(body.result.text).toContain('round trip 42');
  });

  it('answers an unknown tool with 404 and the list of tools', async () => {
    const response = await invoke({ tool: 'no_such_tool', args: {} });
    expect(response.status).toBe(404);
    const body = (await response.json()) as {
      error: { code: string; details: { tools: string[] } };
    };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.details.tools).toEqual(expect.arrayContaining(['read_file', 'write_file']));
  });

  it('answers bad bodies, bad tokens and oversized bodies in the one error shape', async () => {
    const missing = await invoke({ args: {} });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    const notJson = await invoke('{not json');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    const badKey = await invoke({ tool: 'read_file', sessionKey: 'agent:' });
    expect(badKey.status).toBe(400);

    const unauthorized = await invoke({ tool: 'read_file' }, 'nope');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
    expect(await unauthorized.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    const huge = await invoke({
      tool: 'write_file',
      args: { path: 'big', content: 'x'.repeat(600 * 1024) },
    });
    expect(huge.status).toBe(413);
    const hugeBody = await huge.text();
    expect(JSON.parse(hugeBody)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(hugeBody).not.toMatch(/at \w+ \(/); // no stack trace
  });
});
