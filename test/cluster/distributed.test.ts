/**
 * The docker-compose topology, as real processes: PostgreSQL, the multi-service Temporal
 * server, the gateway (`--no-worker`) and two `clawdbot worker` hosts, each with its own
 * workspace, all started from the commands in docker-compose.yml. Sessions are owned by
 * the host that created them; their file tools run only there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionStore, type TranscriptEntry } from '../../core/sessions/index.js';
import type { ServerFrame, TestClient } from '../../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  CLUSTER_TOKEN,
  startClawdbotCluster,
  type ClawdbotCluster,
} from '../helpers/cluster-harness.js';

const HOST_TOOL_TIMEOUT_MS = 15_000;
const SESSIONS = 20;

let llm: FakeLlmServer;
let cluster: ClawdbotCluster;
let client: TestClient;
let store: PostgresSessionStore;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  cluster = await startClawdbotCluster({
    llm,
    hosts: ['host-a', 'host-b'],
    workerConfig: { worker: { hostToolTimeoutMs: HOST_TOOL_TIMEOUT_MS } },
  });
  client = await cluster.connect();
  // The test reads transcripts straight from the shared store to check ids and order.
  store = new PostgresSessionStore(cluster.postgres.url('clawdbot'));
}, 300_000);

afterAll(async () => {
  client?.close();
  await store?.close();
  await cluster?.stop();
  await llm?.close();
});

const sessionKey = (index: number) => `agent:main:dist-${index}`;

interface ChatPayload {
  runId: string;
  sessionKey: string;
  state: 'delta' | 'final' | 'error' | 'aborted';
  message?: { content: { text?: string }[] };
  errorMessage?: string;
}

const chatEvent = (frame: ServerFrame): ChatPayload | undefined =>
  frame.type === 'event' && frame.event === 'chat' ? (frame.payload as ChatPayload) : undefined;

async function send(on: TestClient, key: string, message: string, id: string): Promise<string> {
  const response = await on.request('chat.send', {
    sessionKey: key,
    message,
    idempotencyKey: id,
  });
  if (!response.ok) throw new Error(`chat.send failed: ${JSON.stringify(response.error)}`);
  return (response.payload as { runId: string }).runId;
}

/** The run's end as the gateway streamed it: its final text (or error). */
async function finalOf(on: TestClient, runId: string, timeoutMs = 120_000): Promise<ChatPayload> {
  const frame = await on
    .next((candidate) => {
      const chat = chatEvent(candidate);
      return chat?.runId === runId && chat.state !== 'delta';
    }, timeoutMs)
    .catch((error: Error) => {
      throw new Error(`${error.message} (run ${runId})\n${cluster.output()}`);
    });
  return chatEvent(frame)!;
}

const textOf = (chat: ChatPayload) => chat.message?.content.map((part) => part.text).join('') ?? '';

async function ownerOf(key: string): Promise<string> {
  const response = await client.request('sessions.list', { search: key });
  const rows = (response.payload as { sessions: { key: string; host?: string }[] }).sessions;
  const host = rows.find((row) => row.key === key)?.host;
  if (!host) throw new Error(`no owner recorded for ${key}: ${JSON.stringify(rows)}`);
  return host;
}

async function transcript(key: string): Promise<TranscriptEntry[]> {
  const entry = await store.get(key);
  if (!entry) return [];
  const entries: TranscriptEntry[] = [];
  for await (const each of store.entries(entry.sessionId)) entries.push(each);
  return entries;
}

const shape = (entries: TranscriptEntry[]) =>
  entries.map((entry) => (entry.type === 'message' ? entry.message.role : entry.type));

const workspaceFile = (host: string, path: string) =>
  join(cluster.hosts.get(host)!.workspace, path);

const owners = new Map<string, string>();

describe('ClawdBot on a Temporal cluster with two worker hosts', () => {
  it(
    `${SESSIONS} concurrent tool-calling turns: every reply arrives, transcripts are complete, work is spread over both hosts`,
    { timeout: 240_000 },
    async () => {
      const runs = await Promise.all(
        Array.from({ length: SESSIONS }, (_, index) =>
          send(
            client,
            sessionKey(index),
            `TOOL write_file {"path":"note-${index}.txt","content":"hello ${index}"}`,
            `dist-write-${index}`,
          ),
        ),
      );
      const finals = await Promise.all(runs.map((runId) => finalOf(client, runId)));
      for (const [index, final] of finals.entries()) {
        expect(final.state, `session ${index}: ${final.errorMessage ?? ''}`).toBe('final');
        expect(textOf(final)).toMatch(/^DONE /);
      }

      for (let index = 0; index < SESSIONS; index++) {
        const key = sessionKey(index);
        const owner = await ownerOf(key);
        owners.set(key, owner);
        // The file is on the owning host's disk, and only there.
        const other = owner === 'host-a' ? 'host-b' : 'host-a';
        expect(readFileSync(workspaceFile(owner, `note-${index}.txt`), 'utf8')).toBe(
          `hello ${index}`,
        );
        expect(existsSync(workspaceFile(other, `note-${index}.txt`))).toBe(false);
        const entries = await transcript(key);
        expect(shape(entries)).toEqual(['session', 'user', 'assistant', 'toolResult', 'assistant']);
        expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
      }
      // Both hosts own sessions (the later tests need at least two on each).
      for (const host of ['host-a', 'host-b']) {
        const owned = [...owners.values()].filter((owner) => owner === host).length;
        expect(owned, `owners: ${JSON.stringify([...owners])}`).toBeGreaterThanOrEqual(2);
      }

      // chat.history through the gateway, which runs no worker: read from the shared store.
      const history = await client.request('chat.history', { sessionKey: sessionKey(0) });
      const messages = (history.payload as { messages: { role: string }[] }).messages;
      expect(messages.map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'toolResult',
        'assistant',
      ]);
    },
  );

  it(
    'the HTTP API of a gateway without a worker: chat completions, and a tool run on the session host',
    { timeout: 120_000 },
    async () => {
      const headers = {
        authorization: `Bearer ${CLUSTER_TOKEN}`,
        'content-type': 'application/json',
      };
      const completion = await fetch(`${cluster.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'x-clawdbot-session-key': sessionKey(2) },
        body: JSON.stringify({
          model: 'clawdbot',
          messages: [{ role: 'user', content: 'hello over http' }],
        }),
      });
      expect(completion.status).toBe(200);
      const body = (await completion.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]!.message.content).toBe('echo: hello over http');

      // /tools/invoke runs read_file where the session's workspace is.
      const invoked = await fetch(`${cluster.gatewayUrl}/tools/invoke`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          tool: 'read_file',
          args: { path: 'note-3.txt' },
          sessionKey: sessionKey(3),
        }),
      });
      const result = (await invoked.json()) as { ok: boolean; result?: unknown };
      expect(invoked.status, JSON.stringify(result)).toBe(200);
      expect(JSON.stringify(result)).toContain('hello 3');
    },
  );

  it(
    'SIGKILL of one worker mid-turn: the other host finishes the shared work; turns needing the dead host get a clear tool error',
    { timeout: 240_000 },
    async () => {
      const ofHost = (host: string) =>
        [...owners].filter(([, owner]) => owner === host).map(([key]) => key);
      const onA = ofHost('host-a').slice(0, 3);
      const onB = ofHost('host-b').slice(0, 3);
      const turns = [...onA, ...onB].map((key) => ({
        key,
        index: Number(key.split('-').at(-1)),
        owner: owners.get(key)!,
      }));
      // Each LLM call holds for 3 s before answering with the tool call, so the kill
      // lands while calls and workflow tasks are in flight on both workers.
      const runs = await Promise.all(
        turns.map((turn) =>
          send(
            client,
            turn.key,
            `WAIT 3000 TOOL read_file {"path":"note-${turn.index}.txt"}`,
            `dist-kill-${turn.index}`,
          ),
        ),
      );
      await sleep(1000);
      await cluster.killWorker('host-a');

      const finals = await Promise.all(runs.map((runId) => finalOf(client, runId, 180_000)));
      for (const [position, turn] of turns.entries()) {
        const final = finals[position]!;
        expect(final.state, `${turn.key}: ${final.errorMessage ?? ''}`).toBe('final');
        const entries = await transcript(turn.key);
        expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
        const thisRun = entries.filter(
          (entry) => 'runId' in entry && entry.runId === runs[position],
        );
        expect(shape(thisRun)).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
        const result = thisRun[2]!;
        if (result.type !== 'message' || result.message.role !== 'toolResult')
          throw new Error('expected a tool result');
        const resultText = result.message.content.map((part) => part.text).join('');
        if (turn.owner === 'host-b') {
          // The surviving host's sessions read their files as if nothing happened.
          expect(result.message.isError).toBe(false);
          expect(resultText).toContain(`hello ${turn.index}`);
        } else {
          // The dead host's sessions: not run elsewhere, and the model is told why.
          expect(result.message.isError).toBe(true);
          expect(resultText).toContain('was not run');
          expect(resultText).toContain('host "host-a"');
        }
      }
      // Still down: two file calls in one step wait for the host once, not twice.
      const twoCallsKey = onA[0]!;
      llm.scriptFor('two reads on a dead host', [
        {
          kind: 'tool_calls',
          calls: [
            { id: 'call_first', name: 'read_file', arguments: { path: 'a.txt' } },
            { id: 'call_second', name: 'read_file', arguments: { path: 'b.txt' } },
          ],
        },
        { kind: 'text', text: 'both reads failed' },
      ]);
      const twoCalls = await send(client, twoCallsKey, 'two reads on a dead host', 'dist-two');
      expect(textOf(await finalOf(client, twoCalls, 120_000))).toBe('both reads failed');
      const results = (await transcript(twoCallsKey)).filter(
        (entry) =>
          entry.type === 'message' &&
          entry.runId === twoCalls &&
          entry.message.role === 'toolResult',
      );
      const texts = results.map((entry) =>
        entry.type === 'message'
          ? entry.message.content.map((part) => ('text' in part ? part.text : '')).join('')
          : '',
      );
      expect(texts).toHaveLength(2);
      expect(texts[0]).toContain('no worker of that host picked the call up');
      expect(texts[1]).toContain('did not pick up an earlier call in this turn');

      // The way out for a host that is gone: move the session. Its calls now run on
      // host-b (the file itself stayed on host-a's disk, so read_file finds nothing).
      const patched = await client.request('sessions.patch', { key: twoCallsKey, host: 'host-b' });
      expect(patched.ok, JSON.stringify(patched.error)).toBe(true);
      expect(await ownerOf(twoCallsKey)).toBe('host-b');
      const afterMove = await send(
        client,
        twoCallsKey,
        'TOOL read_file {"path":"missing-after-move.txt"}',
        'dist-moved',
      );
      const movedFinal = await finalOf(client, afterMove, 60_000);
      expect(textOf(movedFinal)).toMatch(/^DONE /);
      expect(textOf(movedFinal)).not.toContain('was not run');
      // Its notes stayed on host-a's disk: later tests must not pick it by owner.
      owners.delete(twoCallsKey);

      // One reply per run, no more.
      for (const runId of runs) {
        const ends = client.frames.filter((frame) => {
          const chat = chatEvent(frame);
          return chat?.runId === runId && chat.state !== 'delta';
        });
        expect(ends).toHaveLength(1);
      }
    },
  );

  it(
    'a host restarted within the timeout runs the waiting call, and keeps its sessions',
    { timeout: 240_000 },
    async () => {
      await cluster.startWorker('host-a');
      const keyOnA = [...owners].find(([, owner]) => owner === 'host-a')![0];
      const indexOnA = Number(keyOnA.split('-').at(-1));
      const onA = await send(
        client,
        keyOnA,
        `TOOL read_file {"path":"note-${indexOnA}.txt"}`,
        'dist-after-restart',
      );
      expect(textOf(await finalOf(client, onA))).toContain(`hello ${indexOnA}`);

      // Kill host-b, send a turn that needs it, and bring it back before the timeout.
      const keyOnB = [...owners].find(([, owner]) => owner === 'host-b')![0];
      const indexOnB = Number(keyOnB.split('-').at(-1));
      await cluster.killWorker('host-b');
      const onB = await send(
        client,
        keyOnB,
        `TOOL read_file {"path":"note-${indexOnB}.txt"}`,
        'dist-wait-for-b',
      );
      await sleep(1000);
      await cluster.startWorker('host-b');
      const final = await finalOf(client, onB);
      expect(final.state).toBe('final');
      expect(textOf(final)).toContain(`hello ${indexOnB}`);
      expect(await ownerOf(keyOnB)).toBe('host-b');
    },
  );

  it(
    'gateway restart during a turn: the turn completes, chat.history shows it, and events flow again',
    { timeout: 240_000 },
    async () => {
      const key = sessionKey(1);
      const runId = await send(client, key, 'WAIT 4000 tell me after the restart', 'dist-gw-1');
      await sleep(500);
      client.close();
      await cluster.restartGateway();
      client = await cluster.connect();

      const deadline = Date.now() + 60_000;
      let last: { role: string; content: { text?: string }[] } | undefined;
      while (Date.now() < deadline) {
        const history = await client.request('chat.history', { sessionKey: key, limit: 2 });
        const messages = (history.payload as { messages: (typeof last & object)[] }).messages;
        last = messages.at(-1);
        if (last?.role === 'assistant' && last.content[0]?.text?.includes('after the restart'))
          break;
        await sleep(250);
      }
      expect(last?.content[0]?.text).toBe('echo: WAIT 4000 tell me after the restart');
      const entries = await transcript(key);
      expect(
        entries.filter((entry) => 'runId' in entry && entry.runId === runId).map((e) => e.type),
      ).toEqual(['message', 'message']);

      // The workers reconnected their event streams to the new gateway process.
      const next = await send(client, key, 'are you there?', 'dist-gw-2');
      const final = await finalOf(client, next, 60_000);
      expect(textOf(final)).toBe('echo: are you there?');
    },
  );
});
