import { appendFile, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClawdbotError } from '../errors.js';
import {
  zeroUsage,
  type AssistantMessage,
  type Message,
  type ToolResultMessage,
  type UserMessage,
} from '../messages.js';
import { createSessionStore } from './store.js';
import { transcriptEntryId, type NewTranscriptEntry } from './transcript-entry.js';
import { DEDUP_MIN_BYTES } from './transcript.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-transcript-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const session = {
  sessionId: '6a1c1c4e-4a43-4d36-9d4e-1f3f4c3a9b10',
  sessionKey: 'agent:main:main',
};

function user(text: string, timestamp = 1): UserMessage {
  return { role: 'user', content: [{ type: 'text', text }], timestamp };
}
function assistantCalling(toolCallId: string): AssistantMessage {
  return {
    role: 'assistant',
    content: [
      { type: 'toolCall', id: toolCallId, name: 'exec', arguments: { command: 'echo hi' } },
    ],
    api: 'openai-completions',
    provider: 'fake',
    model: 'fake-model',
    usage: zeroUsage(),
    stopReason: 'toolUse',
    timestamp: 2,
  };
}
function toolResult(toolCallId: string, text: string): ToolResultMessage {
  return {
    role: 'toolResult',
    toolCallId,
    toolName: 'exec',
    content: [{ type: 'text', text }],
    isError: false,
    timestamp: 3,
  };
}
function messageEntry(id: string, message: Message, runId = 'run-1'): NewTranscriptEntry {
  return { type: 'message', id, runId, message };
}

async function rawLines(): Promise<string[]> {
  const text = await readFile(
    join(stateDir, 'sessions', session.sessionId, 'transcript.jsonl'),
    'utf8',
  );
  return text.split('\n').filter((line) => line !== '');
}

describe('transcript', () => {
  it('round-trips messages and markers, header first', async () => {
    const store = createSessionStore(stateDir);
    const messages: Message[] = [
      user('hello'),
      assistantCalling('call_1'),
      toolResult('call_1', 'hi'),
    ];
    const result = await store.append(session, [
      messageEntry(transcriptEntryId.user('run-1'), messages[0]!),
      messageEntry(transcriptEntryId.assistant('run-1', 1), messages[1]!),
      messageEntry(transcriptEntryId.toolResult('run-1', 1, 'call_1'), messages[2]!),
    ]);
    expect(result).toEqual({
      appended: ['run-1:user', 'run-1:step-1:assistant', 'run-1:step-1:tool-call_1'],
      skipped: [],
    });
    await store.append(session, [
      { type: 'abort', id: transcriptEntryId.abort('run-1'), runId: 'run-1', reason: 'user' },
      {
        type: 'error',
        id: transcriptEntryId.error('run-2'),
        runId: 'run-2',
        message: 'model unavailable',
        ts: 42,
      },
    ]);

    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual(messages);
    expect(await store.readHistory(session.sessionId, { limit: 2 })).toEqual(messages.slice(1));
    const entries = await store.readEntries(session.sessionId, { limit: 2 });
    expect(entries.map((entry) => entry.type)).toEqual(['abort', 'error']);
    expect(entries[1]).toMatchObject({
      id: 'run-2:error',
      ts: 42,
      runId: 'run-2',
      message: 'model unavailable',
    });

    const all = [];
    for await (const entry of store.entries(session.sessionId)) all.push(entry);
    expect(all[0]).toMatchObject({
      type: 'session',
      id: session.sessionId,
      ...session,
      version: 1,
    });
    expect(all).toHaveLength(6);
    // Every line starts with type and id, for people reading the file.
    for (const line of await rawLines()) expect(line).toMatch(/^\{"type":"[a-z]+","id":"/);
  });

  it('reads nothing from a session that has no transcript', async () => {
    const store = createSessionStore(stateDir);
    expect(await store.readHistory(session.sessionId, { limit: 20 })).toEqual([]);
    expect(await store.readEntries(session.sessionId, { limit: 20 })).toEqual([]);
  });

  it('rejects session ids that could escape the sessions dir', async () => {
    const store = createSessionStore(stateDir);
    await expect(store.readHistory('../../etc', { limit: 1 })).rejects.toBeInstanceOf(
      ClawdbotError,
    );
    await expect(store.append({ ...session, sessionId: 'a/b' }, [])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('writes an entry once when the same id is appended three times', async () => {
    const entry = messageEntry('run-1:user', user('once'));
    const store = createSessionStore(stateDir);
    await store.append(session, [entry]);
    expect(await store.append(session, [entry])).toEqual({ appended: [], skipped: ['run-1:user'] });
    // A fresh store has no cache: the duplicate is found by scanning the file's tail,
    // as after a worker crash and a retry in another process.
    await createSessionStore(stateDir).append(session, [entry]);
    expect(await rawLines()).toHaveLength(2); // header + the entry
    expect(await store.readHistory(session.sessionId, { limit: 5 })).toEqual([user('once')]);
  });

  it('skips ids repeated within one append', async () => {
    const store = createSessionStore(stateDir);
    const entry = messageEntry('run-1:user', user('x'));
    expect(await store.append(session, [entry, entry])).toEqual({
      appended: ['run-1:user'],
      skipped: ['run-1:user'],
    });
  });

  it('sees appends made by another store (process) since its last look', async () => {
    const first = createSessionStore(stateDir);
    const second = createSessionStore(stateDir);
    await first.append(session, [messageEntry('a', user('a'))]);
    await second.append(session, [messageEntry('b', user('b'))]);
    expect(await first.append(session, [messageEntry('b', user('b'))])).toMatchObject({
      appended: [],
    });
    expect(await rawLines()).toHaveLength(3);
  });

  it('a repeated read parses only what was appended, by this store or another', async () => {
    const store = createSessionStore(stateDir);
    await store.append(session, [messageEntry('a', user('a')), messageEntry('b', user('b'))]);
    const first = await store.transcripts.readEntries(session.sessionId, { limit: 100 });
    await createSessionStore(stateDir).append(session, [messageEntry('c', user('c'))]);
    await store.append(session, [messageEntry('d', user('d'))]);
    const second = await store.transcripts.readEntries(session.sessionId, { limit: 100 });
    expect(second.map((entry) => entry.id)).toEqual(['a', 'b', 'c', 'd']);
    // The lines read before are the same objects: they were not parsed again.
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    // ... and a caller cannot change what later reads get.
    expect(() => {
      (second[0] as { id: string }).id = 'changed';
    }).toThrow(TypeError);
    expect(await store.readHistory(session.sessionId, { limit: 2 })).toEqual([
      user('c'),
      user('d'),
    ]);
  });

  it('an append after the transcript was moved or replaced goes to the file now at its path', async () => {
    // The store keeps a transcript open between appends; that must never write into a file
    // that is no longer the session's transcript.
    const store = createSessionStore(stateDir);
    const path = store.transcripts.pathOf(session.sessionId);
    await store.append(session, [messageEntry('a', user('a'))]);
    // Replaced behind the store's back (another process): the kept file is not used.
    const [header] = await rawLines();
    await rename(path, `${path}.moved`);
    await writeFile(path, `${header}\n`);
    await store.append(session, [messageEntry('b', user('b'))]);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([user('b')]);
    expect((await readFile(`${path}.moved`, 'utf8')).trim().split('\n')).toHaveLength(2);
    // Archived by this store: the next append starts a new transcript.
    expect(await store.transcripts.archive(session.sessionId)).toBe(true);
    await store.append(session, [messageEntry('c', user('c'))]);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([user('c')]);
    const archived = join(stateDir, 'sessions', 'deleted', session.sessionId, 'transcript.jsonl');
    expect(await readFile(archived, 'utf8')).toContain('"b"');
    expect(await readFile(archived, 'utf8')).not.toContain('"c"');
  });

  it('a read after the transcript was replaced (another inode) or cut short reads it afresh', async () => {
    const store = createSessionStore(stateDir);
    await store.append(session, [messageEntry('a', user('a')), messageEntry('b', user('b'))]);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([
      user('a'),
      user('b'),
    ]);
    const path = store.transcripts.pathOf(session.sessionId);
    const [header, , second] = await rawLines();
    // Same size or smaller, another file: nothing cached may be trusted.
    await rm(path);
    await writeFile(path, `${header}\n${second}\n`);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([user('b')]);
    await writeFile(path, `${header}\n`);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([]);
  });

  it('a read with a larger limit than the cached window covers reads further back', async () => {
    const store = createSessionStore(stateDir);
    const ids = Array.from({ length: 20 }, (_, index) => `m${index}`);
    await store.append(
      session,
      ids.map((id) => messageEntry(id, user(id))),
    );
    expect(await store.readHistory(session.sessionId, { limit: 3 })).toHaveLength(3);
    await store.append(session, [messageEntry('late', user('late'))]);
    const all = await store.transcripts.readEntries(session.sessionId, { limit: 100 });
    expect(all.map((entry) => entry.id)).toEqual([...ids, 'late']);
  });

  it('detects a retried entry larger than the tail scan window', async () => {
    const big = messageEntry(
      'run-1:step-1:tool-call_1',
      toolResult('call_1', 'x'.repeat(2 * DEDUP_MIN_BYTES)),
    );
    await createSessionStore(stateDir).append(session, [big]);
    expect(await createSessionStore(stateDir).append(session, [big])).toMatchObject({
      appended: [],
    });
    expect(await rawLines()).toHaveLength(2);
  });

  it('survives a torn last line: it is skipped and later appends start a fresh line', async () => {
    const store = createSessionStore(stateDir);
    await store.append(session, [messageEntry('run-1:user', user('before'))]);
    const path = store.transcripts.pathOf(session.sessionId);
    await appendFile(
      path,
      '{"type":"message","id":"run-1:step-1:assistant","ts":1,"runId":"run-1","message":{"ro',
    );
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([user('before')]);

    await store.append(session, [messageEntry('run-2:user', user('after'))]);
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([
      user('before'),
      user('after'),
    ]);
    const lines = await rawLines();
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/"ro$/);
  });

  it('rewrites an entry whose first write was torn', async () => {
    const store = createSessionStore(stateDir);
    await store.append(session, [messageEntry('run-1:user', user('hi'))]);
    const line = JSON.stringify({
      type: 'message',
      id: 'run-1:step-1:assistant',
      ts: 1,
      runId: 'run-1',
      message: assistantCalling('c'),
    });
    // Torn right after a closing brace, so it looks complete to a naive check.
    await appendFile(
      store.transcripts.pathOf(session.sessionId),
      line.slice(0, line.indexOf('}') + 1),
    );
    const retried = messageEntry('run-1:step-1:assistant', assistantCalling('c'));
    expect(await createSessionStore(stateDir).append(session, [retried])).toMatchObject({
      appended: [retried.id],
    });
    expect(await store.readHistory(session.sessionId, { limit: 10 })).toEqual([
      user('hi'),
      assistantCalling('c'),
    ]);
  });

  it(
    'reads the last messages of a 50,000-entry (> 20 MB) transcript',
    { timeout: 120_000 },
    async () => {
      const writer = createSessionStore(stateDir, { fsync: false });
      const padding = 'p'.repeat(400);
      for (let batch = 0; batch < 50; batch++) {
        const entries: NewTranscriptEntry[] = [];
        for (let index = batch * 1000; index < (batch + 1) * 1000; index++) {
          entries.push(
            messageEntry(
              `run-${index}:user`,
              user(`message ${index} ${padding}`, index),
              `run-${index}`,
            ),
          );
        }
        await writer.append(session, entries);
      }
      const { size } = await stat(writer.transcripts.pathOf(session.sessionId));
      expect(size).toBeGreaterThan(20 * 1024 * 1024);

      const reader = createSessionStore(stateDir);
      const history = await reader.readHistory(session.sessionId, { limit: 20 });
      expect(history).toHaveLength(20);
      expect(history.map((message) => message.timestamp)).toEqual(
        Array.from({ length: 20 }, (_, i) => 49_980 + i),
      );
      expect(history[19]).toEqual(user(`message 49999 ${padding}`, 49_999));
      const entries = await reader.readEntries(session.sessionId, { limit: 3 });
      expect(entries.map((entry) => entry.id)).toEqual([
        'run-49997:user',
        'run-49998:user',
        'run-49999:user',
      ]);
    },
  );
});
