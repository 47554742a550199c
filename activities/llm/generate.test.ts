// Fallbacks across models and what each provider receives on the wire, against the fake server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../core/messages.js';
import { startFakeLlmServer } from '../../test/fakes/llm-server.js';
import type { FakeLlmServer } from '../../test/fakes/llm-server.js';
import { LlmError } from './errors.js';
import { generate } from './generate.js';
import type { GenerateOptions } from './generate.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterEach(() => {
  expect(server.pending()).toBe(0);
  server.reset();
});
afterAll(() => server.close());

const image = { type: 'image' as const, mimeType: 'image/png', data: 'iVBORw0KGgo=' };
const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2 };
const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
};

/** A finished tool round: the model called two tools and both results are in. */
const toolRound: Message[] = [
  {
    role: 'user',
    content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }, image],
    timestamp: 1,
  },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Checking both.' },
      { type: 'toolCall', id: 'call_a', name: 'get_weather', arguments: { city: 'Oslo' } },
      { type: 'toolCall', id: 'call_b', name: 'get_weather', arguments: { city: 'Bergen' } },
    ],
    api: 'anthropic-messages',
    provider: 'anthropic',
    model: 'claude-test',
    usage,
    stopReason: 'toolUse',
    timestamp: 2,
  },
  {
    role: 'toolResult',
    toolCallId: 'call_a',
    toolName: 'get_weather',
    content: [{ type: 'text', text: 'rain' }],
    isError: false,
    timestamp: 3,
  },
  {
    role: 'toolResult',
    toolCallId: 'call_b',
    toolName: 'get_weather',
    content: [{ type: 'text', text: 'no such city' }],
    isError: true,
    timestamp: 4,
  },
];

function options(overrides: Partial<GenerateOptions>): GenerateOptions {
  return {
    models: ['anthropic/claude-test'],
    system: 'Be brief.',
    messages: toolRound,
    tools: [weather],
    maxTokens: 100,
    providers: {
      anthropic: { apiKey: 'key', baseUrl: server.anthropicBaseUrl },
      openai: { apiKey: 'key', baseUrl: server.openaiBaseUrl },
    },
    ...overrides,
  };
}

describe('wire shape of a conversation with tool calls and results', () => {
  it('sends Anthropic tool_use, one merged user message of tool_results, top-level system', async () => {
    const result = await generate(options({ models: ['anthropic/claude-test'] }));
    expect(result.content).toEqual([{ type: 'text', text: 'DONE rain\nno such city' }]);
    expect(server.requests[0]?.body).toEqual({
      model: 'claude-test',
      max_tokens: 100,
      stream: true,
      // Cache breakpoints: after the tools, the system prompt and the newest message.
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: weather.inputSchema,
          cache_control: { type: 'ephemeral' },
        },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Oslo and Bergen?' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: image.data },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Bergen' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_a', content: 'rain' },
            {
              type: 'tool_result',
              tool_use_id: 'call_b',
              content: 'no such city',
              is_error: true,
              cache_control: { type: 'ephemeral' },
            },
          ],
        },
      ],
    });
  });

  it('sends OpenAI system first, tool_calls with JSON arguments, role "tool" messages', async () => {
    const result = await generate(options({ models: ['openai/gpt-test'] }));
    expect(result.content).toEqual([{ type: 'text', text: 'DONE rain\nno such city' }]);
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-test',
      // a compatible server (custom baseUrl) gets max_tokens; api.openai.com max_completion_tokens
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: weather.inputSchema,
          },
        },
      ],
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Oslo and Bergen?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${image.data}` } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            {
              id: 'call_b',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Bergen"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'rain' },
        { role: 'tool', tool_call_id: 'call_b', content: 'no such city' },
      ],
    });
  });
});

describe('fallbacks', () => {
  it('moves to the next model on a retryable error, after onRestart', async () => {
    server.script([
      { kind: 'drop', afterChunks: 1, text: 'partial answer' },
      { kind: 'text', text: 'from the backup' },
    ]);
    const events: string[] = [];
    const result = await generate(
      options({
        models: ['anthropic/claude-test', 'openai/gpt-test'],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }], timestamp: 0 }],
        onTextDelta: (delta) => events.push(`delta:${delta}`),
        onRestart: (reason) => events.push(`restart:${reason}`),
      }),
    );
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-test' });
    expect(events[0]).toBe('delta:partial ');
    expect(events[1]).toMatch(
      /^restart:anthropic\/claude-test failed .*; trying openai\/gpt-test$/,
    );
    expect(events.slice(2).join('')).toBe('delta:from delta:the delta:backup');
  });

  it('calls onRestart once when the primary answers 500 and the secondary succeeds', async () => {
    server.script([
      { kind: 'error', status: 500 },
      { kind: 'text', text: 'ok' },
    ]);
    const reasons: string[] = [];
    const result = await generate(
      options({
        models: ['openai/gpt-test', 'anthropic/claude-backup'],
        onRestart: (reason) => reasons.push(reason),
      }),
    );
    expect(reasons).toHaveLength(1);
    expect(result).toMatchObject({ provider: 'anthropic', model: 'claude-backup' });
    expect(server.requests.map((request) => request.model)).toEqual(['gpt-test', 'claude-backup']);
  });

  it('stops at a fatal error without trying the fallbacks', async () => {
    server.script([{ kind: 'error', status: 404, message: 'model: claude-gone' }]);
    const reasons: string[] = [];
    const error = await generate(
      options({
        models: ['anthropic/claude-gone', 'openai/gpt-test'],
        onRestart: (reason) => reasons.push(reason),
      }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'fatal', code: 'LLM_MODEL_NOT_FOUND' });
    expect(reasons).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('throws the last retryable error, with its retryAfterMs, when every model failed', async () => {
    server.script([
      { kind: 'error', status: 500 },
      { kind: 'error', status: 429, retryAfter: 3 },
    ]);
    const reasons: string[] = [];
    const error = await generate(
      options({
        models: ['anthropic/claude-test', 'openai/gpt-test'],
        onRestart: (reason) => reasons.push(reason),
      }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'retryable', provider: 'openai', retryAfterMs: 3000 });
    expect(reasons).toHaveLength(1);
  });

  it('rejects a malformed model reference before calling anything', async () => {
    const error = await generate(
      options({ models: ['anthropic/claude-test', 'gemini/pro'] }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'fatal', code: 'LLM_INVALID_MODEL_REF' });
    expect(server.requests).toHaveLength(0);
  });
});
