import { describe, expect, it } from 'vitest';
import type { Message } from '../messages.js';
import type { TranscriptEntry } from '../sessions/index.js';
import { parseChatCommand } from './chat-commands.js';
import { fitHistory } from './fit-history.js';
import { historyView, keepFrom } from './history-view.js';
import { modelLimits } from './model-limits.js';
import { headAndTail, pruneToolResults } from './prune-tool-results.js';
import { TokenEstimator } from './token-estimate.js';

const user = (text: string): Message => ({
  role: 'user',
  content: [{ type: 'text', text }],
  timestamp: 0,
});
const call = (id: string): Message => ({
  role: 'assistant',
  content: [{ type: 'toolCall', id, name: 'read_file', arguments: { path: 'x' } }],
  api: 'anthropic-messages',
  provider: 'anthropic',
  model: 'm',
  usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 },
  stopReason: 'toolUse',
  timestamp: 0,
});
const result = (id: string, text: string): Message => ({
  role: 'toolResult',
  toolCallId: id,
  toolName: 'read_file',
  content: [{ type: 'text', text }],
  isError: false,
  timestamp: 0,
});
const textOf = (message: Message) =>
  message.content.map((block) => ('text' in block ? block.text : '')).join('');

describe('model limits', () => {
  it('knows model families, takes agent.contextTokens, and keeps the reply to a quarter of a small window', () => {
    expect(modelLimits('anthropic/claude-sonnet-4-5').contextWindow).toBe(200_000);
    expect(modelLimits('openai/gpt-4.1-mini').contextWindow).toBe(1_047_576);
    expect(modelLimits('openai/some-local-model').contextWindow).toBe(128_000);
    expect(modelLimits('anthropic/claude-sonnet-4-5', 20_000)).toEqual({
      contextWindow: 20_000,
      maxOutput: 5_000,
    });
  });
});

describe('token estimate', () => {
  it('learns a denser ratio at once and a sparser one gradually', () => {
    const estimator = new TokenEstimator();
    expect(estimator.count('m', 'x'.repeat(350))).toBe(100);
    estimator.calibrate('m', 300, 150);
    expect(estimator.charsPerToken('m')).toBe(2);
    estimator.calibrate('m', 600, 100);
    expect(estimator.charsPerToken('m')).toBe(4);
    expect(estimator.charsPerToken('other')).toBe(3.5);
  });
});

describe('token estimate, measuring', () => {
  it('counts the same characters as the JSON it would send, when measured again too', () => {
    const estimator = new TokenEstimator();
    const tool = { name: 'read_file', parameters: { type: 'object', required: ['path'] } };
    const values: unknown[] = [
      [],
      [tool, tool],
      [undefined, null, 'text', 3, [1, [2]], { skipped: undefined }],
      user('hello'),
      call('c1'),
      { nested: [user('a'), { deeper: [call('c2')] }] },
    ];
    for (const value of [...values, ...values])
      expect(estimator.jsonLength(value)).toBe(JSON.stringify(value).length);
    expect(estimator.count('m', [tool])).toBe(Math.ceil(JSON.stringify([tool]).length / 3.5));
  });
});

describe('pruning', () => {
  it('cuts old tool results to head and tail with a note, keeps recent ones whole', () => {
    const big = `HEAD${'a'.repeat(10_000)}TAIL`;
    const messages = [
      user('one'),
      call('1'),
      result('1', big),
      user('two'),
      call('2'),
      result('2', big),
      user('three'),
    ];
    const pruned = pruneToolResults(messages, {
      keepRecentTurns: 2,
      softChars: 1_000,
      hardChars: 50_000,
    });
    const old = textOf(pruned[2]!);
    expect(old.length).toBeLessThan(1_100);
    expect(old.startsWith('HEAD')).toBe(true);
    expect(old.endsWith('TAIL')).toBe(true);
    expect(old).toContain('characters of this tool result were cut');
    expect(pruned[5]).toBe(messages[5]);
    expect(textOf(messages[2]!)).toBe(big);
  });

  it('cuts even a recent result above the hard cap', () => {
    const pruned = pruneToolResults([user('q'), call('1'), result('1', 'b'.repeat(5_000))], {
      keepRecentTurns: 2,
      softChars: 100,
      hardChars: 1_000,
    });
    expect(textOf(pruned[2]!).length).toBeLessThanOrEqual(1_000);
    expect(headAndTail('short', 10)).toBe('short');
  });
});

describe('fitting history', () => {
  const cost = (message: Message) => textOf(message).length + 1;

  it('takes the newest messages that fit and starts at a user message', () => {
    const messages = [
      user('aaaa'),
      call('1'),
      result('1', 'bbbbbbbb'),
      user('cc'),
      call('2'),
      result('2', 'dd'),
    ];
    const fitted = fitHistory(messages, 12, cost);
    expect(fitted.messages[0]).toBe(messages[3]);
    expect(fitted.tokens).toBeLessThanOrEqual(12);
    expect(fitted.dropped).toBe(3);
  });

  it('keeps the question and the newest steps when the current turn alone does not fit', () => {
    const messages = [
      user('question'),
      call('1'),
      result('1', 'x'.repeat(50)),
      call('2'),
      result('2', 'yy'),
    ];
    const fitted = fitHistory(messages, 15, cost);
    expect(fitted.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
    ]);
    expect(fitted.messages[2]).toBe(messages[4]);
    expect(fitted.tokens).toBeLessThanOrEqual(15);
  });
});

describe('history view', () => {
  const entry = (id: string, message: Message): TranscriptEntry => ({
    type: 'message',
    id,
    ts: 0,
    runId: 'r',
    message,
  });

  it('starts from the latest compaction: its summary, then the kept entries', () => {
    const entries: TranscriptEntry[] = [
      entry('a', user('old')),
      entry('b', user('kept')),
      {
        type: 'compaction',
        id: 'c',
        ts: 0,
        runId: 'r',
        mode: 'summary',
        summary: 'S',
        firstKeptEntryId: 'b',
        messagesCompacted: 1,
        tokensBefore: 3,
      },
      entry('d', user('new')),
    ];
    const view = historyView(entries);
    expect(view.compaction?.summary).toBe('S');
    expect(view.items.map((item) => item.entryId)).toEqual(['b', 'd']);
  });

  it('keeps the newest turns within a budget, at least the last user message', () => {
    const items = [user('x'.repeat(10)), user('y'.repeat(10)), user('z'.repeat(10))].map(
      (message, index) => ({
        entryId: String(index),
        message,
      }),
    );
    const cost = (message: Message) => textOf(message).length;
    expect(keepFrom(items, 20, cost)).toBe(1);
    expect(keepFrom(items, 5, cost)).toBe(2);
  });
});

describe('chat commands', () => {
  it('recognises /new, /reset and /compact with optional text', () => {
    expect(parseChatCommand('/new')).toEqual({ name: 'new', rest: '' });
    expect(parseChatCommand(' /RESET@clawdbot hello there ')).toEqual({
      name: 'reset',
      rest: 'hello there',
    });
    expect(parseChatCommand('/compact')).toEqual({ name: 'compact', rest: '' });
    expect(parseChatCommand('/newish')).toBeUndefined();
    expect(parseChatCommand('please /new')).toBeUndefined();
  });
});
