// The pure pieces: model references, history repair, request bodies, argument and header parsing.
import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Message, ToolResultMessage } from '../../core/messages.js';
import { repairToolPairing, requestJson, toAnthropicRequest, toOpenAiRequest } from './convert.js';
import { LlmError, parseRetryAfter } from './errors.js';
import { parseModelRef } from './model-ref.js';
import { parseToolArguments } from './stream.js';

const user = (text: string): Message => ({
  role: 'user',
  content: [{ type: 'text', text }],
  timestamp: 0,
});
const assistant = (...content: AssistantMessage['content']): AssistantMessage => ({
  role: 'assistant',
  content,
  api: 'openai-completions',
  provider: 'openai',
  model: 'gpt-test',
  usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 },
  stopReason: 'toolUse',
  timestamp: 0,
});
const call = (id: string) => ({ type: 'toolCall' as const, id, name: 'ls', arguments: {} });
const result = (toolCallId: string, text = `result ${toolCallId}`): ToolResultMessage => ({
  role: 'toolResult',
  toolCallId,
  toolName: 'ls',
  content: [{ type: 'text', text }],
  isError: false,
  timestamp: 0,
});
const shape = (messages: Message[]) =>
  messages.map((message) =>
    message.role === 'toolResult'
      ? `result:${message.toolCallId}`
      : `${message.role}:${message.content.map((block) => (block.type === 'toolCall' ? block.id : block.type)).join(',')}`,
  );

describe('parseModelRef', () => {
  it('splits at the first slash only', () => {
    expect(parseModelRef('anthropic/claude-sonnet-4-5')).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
    expect(parseModelRef('openai/meta-llama/llama-3.1-8b')).toEqual({
      provider: 'openai',
      model: 'meta-llama/llama-3.1-8b',
    });
  });

  it.each(['claude', 'anthropic/', '/gpt-4.1', 'gemini/pro', ''])('rejects %j as fatal', (ref) => {
    const error = (() => {
      try {
        return parseModelRef(ref);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'fatal', code: 'LLM_INVALID_MODEL_REF' });
  });
});

describe('repairToolPairing', () => {
  it('keeps a well-formed history as it is', () => {
    const history = [user('hi'), assistant(call('a'), call('b')), result('a'), result('b')];
    expect(repairToolPairing(history)).toEqual(history);
  });

  it('passes on each message that needs no repair as the same object', () => {
    // What is derived per message object (JSON lengths, provider forms) is then reused by
    // every later call of the session instead of being computed again for the whole history.
    const history = [user('hi'), assistant(call('a')), result('a'), user('next')];
    const repaired = repairToolPairing(history);
    repaired.forEach((message, index) => expect(message).toBe(history[index]));
    const emptied = assistant({ type: 'text', text: '' }, call('b'));
    const [, kept] = repairToolPairing([user('hi'), emptied, result('b')]);
    expect(kept).not.toBe(emptied);
    expect(emptied.content).toHaveLength(2);
  });

  it('moves results in front of a user message that arrived while tools ran', () => {
    const history = [user('hi'), assistant(call('a')), user('also this'), result('a')];
    expect(shape(repairToolPairing(history))).toEqual([
      'user:text',
      'assistant:a',
      'result:a',
      'user:text',
    ]);
  });

  it('drops calls without results, results without calls, and emptied messages', () => {
    const history = [
      result('before-anything'),
      user('hi'),
      assistant({ type: 'text', text: 'Let me look.' }, call('answered'), call('interrupted')),
      result('answered'),
      result('answered', 'a duplicate'),
      result('from-another-turn'),
      assistant(call('never-answered')),
      user(''),
      user('next question'),
    ];
    const repaired = repairToolPairing(history);
    expect(shape(repaired)).toEqual([
      'user:text',
      'assistant:text,answered',
      'result:answered',
      'user:text',
    ]);
    expect(repaired[2]).toMatchObject({ content: [{ text: 'result answered' }] });
  });
});

describe('request bodies', () => {
  const input = {
    model: 'm',
    maxTokens: 10,
    system: '',
    tools: [],
    messages: [user('hi'), assistant(call('functions.ls:0')), result('functions.ls:0', '')],
  };

  it('leaves out an empty system prompt and tool list', () => {
    expect(Object.keys(toAnthropicRequest(input)).sort()).toEqual([
      'max_tokens',
      'messages',
      'model',
    ]);
    const openAi = toOpenAiRequest(input, 'max_completion_tokens');
    expect(Object.keys(openAi).sort()).toEqual(['max_completion_tokens', 'messages', 'model']);
    expect(openAi.messages[0]).toEqual({ role: 'user', content: 'hi' });
  });

  it('writes the same JSON as JSON.stringify, reusing each frozen item', () => {
    const tools = [
      { name: 'ls', description: 'List \u2028 files', inputSchema: { type: 'object' } },
    ];
    const body = {
      ...toOpenAiRequest({ ...input, system: 'be brief \ud800', tools }, 'max_tokens'),
      stream: true,
      stream_options: { include_usage: true },
      stop: ['a', undefined, null],
      user: undefined,
    };
    expect(requestJson(body)).toBe(JSON.stringify(body));
    expect(requestJson(body)).toBe(JSON.stringify(body)); // from the kept JSON this time
    expect(requestJson({})).toBe('{}');
  });

  it('converts a history message for OpenAI once and never lets a request change it', () => {
    const first = toOpenAiRequest(input, 'max_tokens');
    const second = toOpenAiRequest(input, 'max_tokens');
    expect(second.messages[1]).toBe(first.messages[1]);
    expect(Object.isFrozen(first.messages[1])).toBe(true);
    // A message with the same content but another object is converted on its own.
    const copy = toOpenAiRequest(
      { ...input, messages: input.messages.map((m) => ({ ...m })) },
      'max_tokens',
    );
    expect(copy.messages[1]).not.toBe(first.messages[1]);
    expect(copy.messages).toEqual(first.messages);
  });

  it('rewrites tool ids Anthropic would reject and fills empty results', () => {
    expect(toAnthropicRequest(input).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'functions_ls_0', name: 'ls', input: {} }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'functions_ls_0',
            content: '(no output)',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
  });

  it('marks the Anthropic stable prefix for caching: tools, system, summary, newest message', () => {
    const tool = { name: 't', description: 'd', inputSchema: { type: 'object' } };
    const body = toAnthropicRequest({
      ...input,
      system: 'S',
      tools: [tool, { ...tool, name: 'u' }],
      messages: [
        user('summary'),
        user('kept'),
        assistant({ type: 'text', text: 'ok' }),
        user('new'),
      ],
      stableMessages: 1,
    });
    const ephemeral = { type: 'ephemeral' };
    expect(body.system).toEqual([{ type: 'text', text: 'S', cache_control: ephemeral }]);
    expect(body.tools?.map((entry) => 'cache_control' in entry)).toEqual([false, true]);
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'summary', cache_control: ephemeral },
      { type: 'text', text: 'kept' },
    ]);
    expect(body.messages.at(-1)?.content).toEqual([
      { type: 'text', text: 'new', cache_control: ephemeral },
    ]);
  });
});

describe('parseToolArguments', () => {
  it('parses objects, treats nothing as {}, and keeps anything else as _raw', () => {
    expect(parseToolArguments('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseToolArguments('  ')).toEqual({});
    expect(parseToolArguments('{"a":')).toEqual({ _raw: '{"a":' });
    expect(parseToolArguments('[1]')).toEqual({ _raw: '[1]' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500.5' }), now)).toBe(1501);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    const date = new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' });
    expect(parseRetryAfter(date, now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});

describe('images in tool results', () => {
  const image = { type: 'image' as const, mimeType: 'image/png', data: 'iVBORw0KGgo=' };
  const screenshot: ToolResultMessage = {
    ...result('a', 'Screenshot of the page.'),
    images: [image],
  };
  const conversation = (messages: Message[]) => ({
    system: '',
    messages,
    tools: [],
    model: 'm',
    maxTokens: 100,
  });

  it('go inside the tool_result block for Anthropic', () => {
    const body = toAnthropicRequest(
      conversation([user('look'), assistant(call('a'), call('b')), screenshot, result('b')]),
    );
    const blocks = body.messages[2]!.content as { type: string; content?: unknown }[];
    expect(blocks.map((block) => block.type)).toEqual(['tool_result', 'tool_result']);
    expect(blocks[0]!.content).toEqual([
      { type: 'text', text: 'Screenshot of the page.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: image.data } },
    ]);
    expect(blocks[1]!.content).toBe('result b');
  });

  it('follow all tool messages as one user message for OpenAI', () => {
    const body = toOpenAiRequest(
      conversation([user('look'), assistant(call('a'), call('b')), screenshot, result('b')]),
      'max_tokens',
    );
    expect(body.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'user',
    ]);
    expect(body.messages[2]!.content).toBe('Screenshot of the page.');
    expect(body.messages[4]!.content).toEqual([
      { type: 'text', text: '[Image returned by ls]' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${image.data}` } },
    ]);
  });
});
