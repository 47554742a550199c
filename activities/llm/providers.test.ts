// Both providers through generate(), with the real SDKs talking to the scripted fake server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../core/messages.js';
import { startFakeLlmServer } from '../../test/fakes/llm-server.js';
import type { FakeLlmServer } from '../../test/fakes/llm-server.js';
import { LlmAbortError, LlmError } from './errors.js';
import { generate } from './generate.js';
import type { GenerateOptions } from './generate.js';

const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const weatherArguments = { city: 'Zürich', days: [1, 2, 3], options: { units: 'metric' } };

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer({
    apiKeys: ['good-key'],
    models: ['claude-test', 'gpt-test'],
  });
});
afterEach(() => {
  expect(server.pending()).toBe(0);
  server.reset();
});
afterAll(() => server.close());

const user = (text: string): Message => ({
  role: 'user',
  content: [{ type: 'text', text }],
  timestamp: 0,
});

/** generate() against the fake, recording deltas; `overrides` replaces any option. */
async function ask(model: string, overrides: Partial<GenerateOptions> = {}) {
  const deltas: string[] = [];
  let chunks = 0;
  const result = await generate({
    models: [model],
    system: 'You are a test.',
    messages: [user('hi')],
    tools: [],
    maxTokens: 256,
    providers: {
      anthropic: { apiKey: 'good-key', baseUrl: server.anthropicBaseUrl },
      openai: { apiKey: 'good-key', baseUrl: server.openaiBaseUrl },
    },
    onTextDelta: (delta) => deltas.push(delta),
    onChunk: () => chunks++,
    ...overrides,
  });
  return { result, deltas, chunks };
}

/** The LlmError (or other error) a call rejects with. */
async function failure(model: string, overrides: Partial<GenerateOptions> = {}) {
  const error = await ask(model, overrides).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe.each([
  { provider: 'anthropic', model: 'anthropic/claude-test', envName: 'ANTHROPIC_API_KEY' },
  { provider: 'openai', model: 'openai/gpt-test', envName: 'OPENAI_API_KEY' },
] as const)('$provider', ({ provider, model, envName }) => {
  it('streams text deltas in order; their concatenation is the reply', async () => {
    server.script([{ kind: 'text', text: 'Hello there, brave new world!', chunks: 4 }]);
    const { result, deltas, chunks } = await ask(model);
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('Hello there, brave new world!');
    expect(chunks).toBeGreaterThanOrEqual(4);
    expect(result).toMatchObject({
      content: [{ type: 'text', text: 'Hello there, brave new world!' }],
      stopReason: 'stop',
      model: model.slice(model.indexOf('/') + 1),
      provider,
      api: provider === 'anthropic' ? 'anthropic-messages' : 'openai-completions',
    });
    expect(result.usage.input).toBeGreaterThan(0);
    expect(result.usage.output).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe(result.usage.input + result.usage.output);
  });

  it('reassembles tool call arguments streamed in pieces', async () => {
    server.script([
      {
        kind: 'tool_calls',
        text: 'Checking.',
        calls: [
          { id: 'call_1', name: 'get_weather', arguments: weatherArguments },
          { id: 'call_2', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
      },
    ]);
    const { result, deltas } = await ask(model, { tools: [weather] });
    expect(deltas.join('')).toBe('Checking.');
    expect(result.stopReason).toBe('toolUse');
    expect(result.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'toolCall', id: 'call_1', name: 'get_weather', arguments: weatherArguments },
      { type: 'toolCall', id: 'call_2', name: 'get_weather', arguments: { city: 'Oslo' } },
    ]);
  });

  it('rejects a wrong API key as fatal, saying where the key goes', async () => {
    const providers = {
      anthropic: { apiKey: 'wrong', baseUrl: server.anthropicBaseUrl },
      openai: { apiKey: 'wrong', baseUrl: server.openaiBaseUrl },
    };
    const error = await failure(model, { providers });
    expect(error).toMatchObject({ kind: 'fatal', status: 401, code: 'LLM_UNAUTHORIZED', provider });
    const name = provider === 'anthropic' ? 'Anthropic' : 'OpenAI';
    expect(error.message).toBe(
      `${name} rejected the API key (401). Set ${envName} or providers.${provider}.apiKey.`,
    );
  });

  it('reports a missing API key without calling out', async () => {
    const error = await failure(model, { providers: { anthropic: {}, openai: {} } });
    expect(error).toMatchObject({ kind: 'fatal', code: 'LLM_NO_API_KEY' });
    expect(error.message).toContain(envName);
    expect(server.requests).toHaveLength(0);
  });

  it('reports an unknown model as fatal', async () => {
    const error = await failure(`${provider}/no-such-model`);
    expect(error).toMatchObject({ kind: 'fatal', status: 404, code: 'LLM_MODEL_NOT_FOUND' });
    expect(error.message).toMatch(
      /^Model "no-such-model" was not found by (Anthropic|OpenAI) \(404\)/,
    );
    expect(error.message).toContain('agent.model');
  });

  it('passes the provider message of a 400 on', async () => {
    server.script([{ kind: 'error', status: 400, message: 'messages.0: bad block' }]);
    const error = await failure(model);
    expect(error).toMatchObject({ kind: 'fatal', status: 400, code: 'LLM_BAD_REQUEST' });
    expect(error.message).toContain('messages.0: bad block');
  });

  it('marks 429 retryable with retryAfterMs from retry-after', async () => {
    server.script([{ kind: 'error', status: 429, message: 'slow down', retryAfter: 2 }]);
    const error = await failure(model);
    expect(error).toMatchObject({
      kind: 'retryable',
      status: 429,
      code: 'LLM_RATE_LIMITED',
      retryAfterMs: 2000,
    });
  });

  it('marks 500 and 529 retryable', async () => {
    server.script([{ kind: 'error', status: 500 }]);
    expect(await failure(model)).toMatchObject({ kind: 'retryable', status: 500 });
    server.script([{ kind: 'error', status: 529, message: 'Overloaded' }]);
    expect(await failure(model)).toMatchObject({ kind: 'retryable', code: 'LLM_OVERLOADED' });
  });

  it('marks a connection dropped mid-stream or before any byte retryable', async () => {
    server.script([{ kind: 'drop', afterChunks: 2, text: 'one two three four' }]);
    const deltas: string[] = [];
    const error = await failure(model, { onTextDelta: (delta) => deltas.push(delta) });
    expect(error).toMatchObject({ kind: 'retryable', code: 'LLM_CONNECTION' });
    expect(deltas).toEqual(['one ', 'two ']);
    server.script([{ kind: 'drop' }]);
    expect(await failure(model)).toMatchObject({ kind: 'retryable', code: 'LLM_CONNECTION' });
  });

  it('stops a stalled stream promptly when the signal aborts', { timeout: 5_000 }, async () => {
    server.script([{ kind: 'stall', afterChunks: 1, text: 'never finished' }]);
    const controller = new AbortController();
    const error = await ask(model, {
      signal: controller.signal,
      onTextDelta: () => controller.abort(new Error('turn cancelled')),
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmAbortError);
    expect(error).not.toBeInstanceOf(LlmError);
    expect((error as LlmAbortError).cause).toMatchObject({ message: 'turn cancelled' });
  });

  it('stops a call waiting for headers when the signal aborts', { timeout: 5_000 }, async () => {
    server.script([{ kind: 'stall' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(ask(model, { signal: controller.signal })).rejects.toBeInstanceOf(LlmAbortError);
  });

  it('fails a stream that goes quiet for idleTimeoutMs as retryable', async () => {
    server.script([{ kind: 'stall', afterChunks: 1, text: 'never finished' }]);
    const error = await failure(model, { idleTimeoutMs: 100 });
    expect(error).toMatchObject({ kind: 'retryable', code: 'LLM_STALLED' });
  });

  it('times out waiting for headers as retryable', async () => {
    server.script([{ kind: 'stall' }]);
    const error = await failure(model, { timeoutMs: 100 });
    expect(error).toMatchObject({ kind: 'retryable', code: 'LLM_TIMEOUT' });
  });

  it('lets errors thrown by callbacks through unchanged', async () => {
    const bug = new Error('bug in onTextDelta');
    const error = await ask(model, {
      onTextDelta: () => {
        throw bug;
      },
    }).catch((thrown: unknown) => thrown);
    expect(error).toBe(bug);
  });
});
