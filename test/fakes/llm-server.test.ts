import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, assert, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer } from './llm-server.js';
import type { FakeLlmServer } from './llm-server.js';

const claude = 'claude-test';
const gpt = 'gpt-test';
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};
const weatherFunction = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: weatherTool.input_schema },
};
const weatherArguments = { city: 'Zürich', days: [1, 2, 3], options: { units: 'metric' } };

let server: FakeLlmServer;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  server = await startFakeLlmServer();
  anthropic = new Anthropic({ apiKey: 'key', baseURL: server.anthropicBaseUrl, maxRetries: 0 });
  openai = new OpenAI({ apiKey: 'key', baseURL: server.openaiBaseUrl, maxRetries: 0 });
});
afterEach(() => {
  expect(server.pending()).toBe(0);
  server.reset();
});
afterAll(() => server.close());

const ask = (content: string) => ({
  model: claude,
  max_tokens: 100,
  messages: [{ role: 'user' as const, content }],
});

describe('Anthropic Messages API', () => {
  it('streams scripted text in order and reports end_turn', async () => {
    server.script([{ kind: 'text', text: 'Hello there, brave new world!', chunks: 4 }]);
    const deltas: string[] = [];
    const stream = anthropic.messages.stream(ask('hi')).on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('Hello there, brave new world!');
    expect(message).toMatchObject({ model: claude, stop_reason: 'end_turn' });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(server.requests[0]).toMatchObject({
      provider: 'anthropic',
      path: '/v1/messages',
      stream: true,
    });
  });

  it('splits tool input across input_json_delta events that the SDK reassembles', async () => {
    server.script([
      {
        kind: 'tool_calls',
        text: 'Checking.',
        calls: [{ id: 'toolu_1', name: 'get_weather', arguments: weatherArguments }],
      },
    ]);
    const stream = await anthropic.messages.create({
      ...ask('weather?'),
      tools: [weatherTool],
      stream: true,
    });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const jsonDeltas = events.filter(
      (e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta',
    );
    expect(jsonDeltas.length).toBeGreaterThan(1);
    expect(events.map((e) => e.type).at(0)).toBe('message_start');
    expect(events.map((e) => e.type).slice(-2)).toEqual(['message_delta', 'message_stop']);

    server.script([
      { kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: weatherArguments }] },
    ]);
    const message = await anthropic.messages
      .stream({ ...ask('weather?'), tools: [weatherTool] })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/) as unknown,
        name: 'get_weather',
        input: weatherArguments,
      },
    ]);
  });

  it('answers non-streaming requests with a JSON message', async () => {
    const message = await anthropic.messages.create(ask('plain'));
    expect(message.content).toEqual([{ type: 'text', text: 'echo: plain' }]);
  });

  it('drives a tool round trip with the TOOL directive', async () => {
    const first = await anthropic.messages.create(ask('TOOL get_weather {"city": "Oslo"}'));
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Oslo' } });
    const second = await anthropic.messages
      .stream({
        ...ask('TOOL get_weather {"city": "Oslo"}'),
        messages: [
          { role: 'user', content: 'TOOL get_weather {"city": "Oslo"}' },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: 'rain, 4°C' },
            ],
          },
        ],
      })
      .finalText();
    expect(second).toBe('DONE rain, 4°C');
  });

  it('surfaces a scripted 429 as RateLimitError with retry-after', async () => {
    server.script([{ kind: 'error', status: 429, message: 'slow down', retryAfter: 7 }]);
    const error = await anthropic.messages.create(ask('hi')).catch((e: unknown) => e);
    assert(error instanceof Anthropic.RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
  });

  it('drops the connection mid-stream after the scripted number of deltas', async () => {
    server.script([{ kind: 'drop', afterChunks: 2, text: 'one two three four' }]);
    const deltas: string[] = [];
    const stream = anthropic.messages.stream(ask('hi')).on('text', (text) => deltas.push(text));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    // The SDK wraps undici's mid-body "terminated" in its base error, not APIConnectionError.
    expect(error).toBeInstanceOf(Anthropic.AnthropicError);
    expect(error).not.toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ message: 'terminated' });
    expect(deltas).toEqual(['one ', 'two ']);
  });
});

describe('OpenAI Chat Completions API', () => {
  it('streams scripted text, finish_reason and a usage chunk', async () => {
    server.script([{ kind: 'text', text: 'Hello there, brave new world!', chunks: 3 }]);
    const stream = await openai.chat.completions.create({
      model: gpt,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contents = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').filter(Boolean);
    expect(contents).toHaveLength(3);
    expect(contents.join('')).toBe('Hello there, brave new world!');
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual([
      'stop',
    ]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.model === gpt)).toBe(true);
  });

  it('splits tool call arguments across chunks that the SDK reassembles', async () => {
    const calls = [
      { id: 'call_a', name: 'get_weather', arguments: weatherArguments },
      { name: 'get_weather', arguments: { city: 'Oslo' } },
    ];
    server.script([{ kind: 'tool_calls', calls }]);
    const raw = await openai.chat.completions.create({
      model: gpt,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherFunction],
      stream: true,
    });
    let argumentDeltas = 0;
    for await (const chunk of raw) {
      argumentDeltas +=
        chunk.choices[0]?.delta.tool_calls?.filter((call) => call.function?.arguments).length ?? 0;
    }
    expect(argumentDeltas).toBeGreaterThan(2);

    server.script([{ kind: 'tool_calls', calls }]);
    const completion = await openai.chat.completions
      .stream({
        model: gpt,
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [weatherFunction],
      })
      .finalChatCompletion();
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const toolCalls = choice?.message.tool_calls ?? [];
    expect(toolCalls.map((call) => call.id)).toEqual(['call_a', expect.stringMatching(/^call_/)]);
    expect(
      toolCalls.map((call) =>
        call.type === 'function' ? (JSON.parse(call.function.arguments) as unknown) : null,
      ),
    ).toEqual([weatherArguments, { city: 'Oslo' }]);
  });

  it('drives a tool round trip with the TOOL directive, non-streaming', async () => {
    const prompt = 'TOOL get_weather {"city": "Oslo"}';
    const first = await openai.chat.completions.create({
      model: gpt,
      messages: [{ role: 'user', content: prompt }],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      city: 'Oslo',
    });
    const second = await openai.chat.completions.create({
      model: gpt,
      messages: [
        { role: 'user', content: prompt },
        {
          role: 'assistant',
          content: null,
          tool_calls: first.choices[0]?.message.tool_calls ?? [],
        },
        { role: 'tool', tool_call_id: call?.id ?? '', content: 'x'.repeat(300) },
      ],
    });
    expect(second.choices[0]?.message.content).toBe(`DONE ${'x'.repeat(200)}`);
  });

  it('surfaces a scripted 429 as RateLimitError with retry-after', async () => {
    server.script([{ kind: 'error', status: 429, retryAfter: 3 }]);
    const error = await openai.chat.completions
      .create({ model: gpt, messages: [{ role: 'user', content: 'hi' }], stream: true })
      .catch((e: unknown) => e);
    assert(error instanceof OpenAI.RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.code).toBe('rate_limit_exceeded');
  });

  it('drops the connection mid-stream after the scripted number of deltas', async () => {
    server.script([{ kind: 'drop', afterChunks: 1, text: 'one two' }]);
    const stream = await openai.chat.completions.create({
      model: gpt,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const contents: string[] = [];
    const iterate = async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    };
    const error = await iterate().catch((e: unknown) => e);
    // The raw stream passes undici's error through untouched.
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'terminated' });
    expect(contents.join('')).toBe('one ');
  });

  it('drops the connection before any byte as a connection error', async () => {
    server.script([{ kind: 'drop' }]);
    const request = openai.chat.completions.create({
      model: gpt,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(request).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('lists models', async () => {
    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['fake-model']);
  });
});

describe('scripting', () => {
  it('scripts concurrent conversations independently by their user text', async () => {
    server.scriptFor('session-a', [
      { kind: 'text', text: 'for a' },
      { kind: 'text', text: 'a again' },
    ]);
    server.scriptFor('session-b', [{ kind: 'text', text: 'for b' }]);
    server.script([{ kind: 'text', text: 'global' }]);
    const answer = (content: string) =>
      openai.chat.completions
        .create({ model: gpt, messages: [{ role: 'user', content }] })
        .then((completion) => completion.choices[0]?.message.content);
    expect(await Promise.all([answer('session-b'), answer('session-a'), answer('other')])).toEqual([
      'for b',
      'for a',
      'global',
    ]);
    expect(await answer('session-a 2')).toBe('a again');
    expect(await answer('session-b 2')).toBe('echo: session-b 2');
  });

  it('resumes after a timed stall and finishes slow streams', async () => {
    server.script([
      { kind: 'stall', afterChunks: 1, ms: 5, text: 'late but whole' },
      { kind: 'stall', ms: 5 },
      { kind: 'slow', text: 'one word at a time', chunkDelayMs: 1 },
    ]);
    expect(await anthropic.messages.stream(ask('a')).finalText()).toBe('late but whole');
    expect(await anthropic.messages.stream(ask('b')).finalText()).toBe('echo: b');
    expect(await anthropic.messages.stream(ask('c')).finalText()).toBe('one word at a time');
  });

  it('uses defaultReply when nothing is scripted', async () => {
    const custom = await startFakeLlmServer({
      defaultReply: (request) => ({ kind: 'text', text: `${request.provider} ${request.model}` }),
    });
    const client = new Anthropic({ apiKey: 'key', baseURL: custom.anthropicBaseUrl });
    expect(await client.messages.stream(ask('hi')).finalText()).toBe(`anthropic ${claude}`);
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(['fake-model']);
    await custom.close();
  });

  it('closes while a stream is stalled', async () => {
    const stalled = await startFakeLlmServer();
    stalled.script([{ kind: 'stall', afterChunks: 1, text: 'never finished' }]);
    const client = new Anthropic({
      apiKey: 'key',
      baseURL: stalled.anthropicBaseUrl,
      maxRetries: 0,
    });
    const first = new Promise<string>((resolve) => {
      client.messages
        .stream(ask('hi'))
        .on('text', resolve)
        .on('error', () => undefined);
    });
    expect(await first).toBe('never ');
    await stalled.close();
  });
});

describe('validation', () => {
  let strict: FakeLlmServer;
  beforeAll(async () => {
    strict = await startFakeLlmServer({ apiKeys: ['good'], models: [claude, gpt] });
  });
  afterAll(() => strict.close());

  it('rejects unknown keys as AuthenticationError', async () => {
    const badAnthropic = new Anthropic({
      apiKey: 'bad',
      baseURL: strict.anthropicBaseUrl,
      maxRetries: 0,
    });
    const badOpenai = new OpenAI({ apiKey: 'bad', baseURL: strict.openaiBaseUrl, maxRetries: 0 });
    await expect(badAnthropic.messages.create(ask('hi'))).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    await expect(
      badOpenai.chat.completions.create({
        model: gpt,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('rejects unknown models with 404 and malformed bodies with 400', async () => {
    const client = new Anthropic({
      apiKey: 'good',
      baseURL: strict.anthropicBaseUrl,
      maxRetries: 0,
    });
    await expect(client.messages.create({ ...ask('hi'), model: 'nope' })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    const response = await fetch(`${strict.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
      body: JSON.stringify({ model: gpt }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('context window', () => {
  let small: FakeLlmServer;
  beforeAll(async () => {
    small = await startFakeLlmServer({ contextWindow: 1_000 });
  });
  afterAll(() => small.close());

  it('rejects an over-long Anthropic request the way the API does', async () => {
    const client = new Anthropic({ apiKey: 'key', baseURL: small.anthropicBaseUrl, maxRetries: 0 });
    const error: unknown = await client.messages
      .create({ ...ask('x'.repeat(8_000)), max_tokens: 10 })
      .catch((caught: unknown) => caught);
    assert(error instanceof Anthropic.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    expect(error.message).toMatch(/prompt is too long: \d+ tokens > 1000 maximum/);
    // A request that fits is answered.
    const ok = await client.messages.create({ ...ask('short'), max_tokens: 10 });
    expect(ok.content[0]).toMatchObject({ type: 'text' });
  });

  it('rejects an OpenAI request whose messages and completion exceed the window', async () => {
    const client = new OpenAI({ apiKey: 'key', baseURL: small.openaiBaseUrl, maxRetries: 0 });
    const error: unknown = await client.chat.completions
      .create({
        model: gpt,
        max_tokens: 900,
        messages: [{ role: 'user', content: 'y'.repeat(800) }],
      })
      .catch((caught: unknown) => caught);
    assert(error instanceof OpenAI.BadRequestError);
    expect(error.code).toBe('context_length_exceeded');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(
      /maximum context length is 1000 tokens\. However, you requested \d+ tokens \(\d+ in the messages, 900 in the completion\)/,
    );
  });
});
