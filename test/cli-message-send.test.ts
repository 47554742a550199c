// `clawdbot message send` as a person runs it: a child `clawdbot` process against a real
// gateway hosting the telegram channel, whose grammy bot talks to the fake Bot API. The
// platform must receive the text; the command must say so (human and --json forms).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from './helpers/channel-harness.js';
import { cleanEnv } from './helpers/cli-process.js';

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelGatewayHarness;

/** Run `clawdbot <args> --state-dir <harness>` to its end. */
async function cli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [join(packageRoot, 'bin', 'clawdbot.js'), ...args, '--state-dir', harness.paths.stateDir],
    { cwd: packageRoot, env: cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }), stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

const messagesTo = (chatId: number) =>
  fake.sent.filter((sent) => sent.method === 'sendMessage' && sent.chatId === chatId);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  // A direct send needs no agent turn, so no worker.
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    worker: 'none',
    channels: { telegram: { botToken: fake.token, apiRoot: fake.apiRoot, dmPolicy: 'disabled' } },
  });
  // Telegram lets a bot write only to a chat the user opened ("chat not found" otherwise);
  // direct messages are off, so this /start starts no turn.
  fake.userSends({ from: { id: 9001, first_name: 'Dana' }, text: '/start' });
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('clawdbot message send', () => {
  it('delivers the text to the platform and reports the message id', async () => {
    const sent = await cli([
      'message',
      'send',
      '--channel',
      'telegram',
      '--to',
      '9001',
      '--text',
      'hello from the cli',
    ]);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const [delivered] = await fake.waitFor(() => messagesTo(9001).length > 0 && messagesTo(9001));
    expect(delivered!.text).toBe('hello from the cli');
    expect(sent.stdout).toMatch(/^Sent to 9001 on telegram \(message \S+\)\n$/);
  }, 300_000);

  it('prints the delivery as JSON with --json', async () => {
    const sent = await cli([
      'message',
      'send',
      '--channel',
      'telegram',
      '--to',
      '9001',
      '--text',
      'json please',
      '--json',
    ]);
    expect(sent.code).toBe(0);
    const payload = JSON.parse(sent.stdout) as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(['channel', 'messageId', 'runId']);
    expect(payload.channel).toBe('telegram');
    expect(typeof payload.messageId).toBe('string');
    expect(typeof payload.runId).toBe('string');
    const texts = messagesTo(9001).map((record) => record.text);
    expect(texts).toEqual(['hello from the cli', 'json please']);
  }, 300_000);
});
