import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../core/net.js';
import { TestClient, type ServerFrame } from '../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import {
  cleanEnv,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
  type CliProcess,
} from './helpers/cli-process.js';

// Gateway and worker as separate `clawdbot` processes (the distributed shape): restarting
// the gateway mid-turn must not disturb the turn, which is a workflow.
let llm: FakeLlmServer;
const processes: CliProcess[] = [];
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(() => {
  for (const cli of processes.splice(0)) cli.child.kill('SIGKILL');
});

function start(args: string[]): CliProcess {
  const cli = spawnClawdbot(args, cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }));
  processes.push(cli);
  return cli;
}

describe('gateway restart during a turn', () => {
  it(
    'the turn finishes, and a reconnecting client reads the answer from chat.history',
    { timeout: 120_000 },
    async () => {
      const address = inject('temporalAddress');
      const port = await freePort();
      const stateDir = makeStateDir({
        gateway: { port },
        temporal: { address, taskQueue: `restart-${port}` },
        agent: { model: 'openai/fake-model' },
        providers: { openai: { apiKey: 'test-key', baseUrl: llm.openaiBaseUrl } },
      });
      const url = `http://127.0.0.1:${port}`;
      let gateway = start(['gateway', '--state-dir', stateDir, '--no-worker']);
      await waitForHealth(url, gateway);
      start(['worker', '--state-dir', stateDir]);
      // The gateway's /health counts the pollers on its task queue: wait for the worker.
      for (let polling = false; !polling;) {
        const health = (await (await fetch(`${url}/health`)).json()) as {
          worker: { pollers?: number };
        };
        polling = (health.worker.pollers ?? 0) > 0;
        if (!polling) await new Promise((resolve) => setTimeout(resolve, 200));
      }

      const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
      llm.scriptFor('restart story', [{ kind: 'slow', text: words, chunkDelayMs: 100 }]);
      const { client } = await TestClient.connected(`ws://127.0.0.1:${port}`);
      await client.request('chat.send', {
        sessionKey: 'agent:main:restart-e2e',
        message: 'restart story',
        idempotencyKey: 'restart-1',
      });
      const isDelta = (frame: ServerFrame) =>
        frame.type === 'event' &&
        frame.event === 'chat' &&
        (frame.payload as { state?: string }).state === 'delta';
      await client.next(isDelta, 30_000).catch((error: Error) => {
        throw new Error(
          `${error.message}\n${processes.map((cli) => cli.output()).join('\n---\n')}`,
        );
      });

      gateway.child.kill('SIGTERM');
      expect((await gateway.exited).code).toBe(0);
      gateway = start(['gateway', '--state-dir', stateDir, '--no-worker']);
      await waitForHealth(url, gateway);

      const { client: again } = await TestClient.connected(`ws://127.0.0.1:${port}`);
      const deadline = Date.now() + 60_000;
      let messages: { role: string; content: { text?: string }[] }[] = [];
      while (Date.now() < deadline) {
        const history = await again.request('chat.history', {
          sessionKey: 'agent:main:restart-e2e',
          limit: 10,
        });
        messages = history.ok ? (history.payload as { messages: typeof messages }).messages : [];
        if (messages.some((message) => message.role === 'assistant')) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(messages[1]!.content[0]!.text).toBe(words);
      again.socket.close();
    },
  );
});
