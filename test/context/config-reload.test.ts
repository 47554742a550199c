import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../core/net.js';
import { TestClient, type ServerFrame } from '../../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  cleanEnv,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
  type CliProcess,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/transcript.js';

let llm: FakeLlmServer;
let gateway: CliProcess | undefined;
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  gateway?.child.kill('SIGKILL');
  await llm.close();
});

describe('config hot reload', () => {
  it(
    'a config edit changes the model of the next turn; an invalid edit keeps the old config and says so',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const stateDir = makeStateDir({
        gateway: { port },
        temporal: { address: inject('temporalAddress'), taskQueue: `reload-${port}` },
        agent: { model: 'openai/model-a' },
        providers: { openai: { apiKey: 'test-key', baseUrl: llm.openaiBaseUrl } },
      });
      const file = join(stateDir, 'clawdbot.json');
      const edit = (change: (config: { agent: { model: string } }) => void) => {
        const config = JSON.parse(readFileSync(file, 'utf8')) as { agent: { model: string } };
        change(config);
        writeFileSync(file, JSON.stringify(config, null, 2));
      };
      gateway = spawnClawdbot(
        ['gateway', '--state-dir', stateDir],
        cleanEnv({ CLAWDBOT_LOG_LEVEL: 'info' }),
      );
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, gateway);
      const { client } = await TestClient.connected(`ws://127.0.0.1:${port}`);
      const ask = async (message: string) => {
        const idempotencyKey = `reload-${message}`;
        await client.request('chat.send', {
          sessionKey: 'agent:main:reload',
          message,
          idempotencyKey,
        });
        const final = (frame: ServerFrame) =>
          frame.type === 'event' &&
          frame.event === 'chat' &&
          (frame.payload as { runId?: string; state?: string }).runId === idempotencyKey &&
          (frame.payload as { state?: string }).state === 'final';
        await client.next(final, 30_000);
        return llm.requests.findLast((request) => request.userText === message)?.model;
      };

      expect(await ask('first')).toBe('model-a');

      edit((config) => (config.agent.model = 'openai/model-b'));
      await waitFor(
        () =>
          Promise.resolve(gateway!.output().includes('config reload: applied') ? true : undefined),
        20_000,
      );
      expect(await ask('second')).toBe('model-b');

      edit((config) => (config.agent.model = 'nonsense'));
      await waitFor(
        () =>
          Promise.resolve(
            gateway!.output().includes('is invalid; keeping the running config') ? true : undefined,
          ),
        20_000,
      );
      expect(gateway.output()).toMatch(/agent\.model: a model reference/);
      expect(await ask('third')).toBe('model-b');
      client.close();
    },
  );
});
