// `clawdbot chat` in a real terminal: util-linux `script` gives the child a pseudo-terminal,
// so readline runs in raw mode and Ctrl-C arrives as the byte \x03, as when a person types
// it. A slow scripted reply is stopped with Ctrl-C; the chat stays open for the next
// message, /reset starts a new session and /exit leaves.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from './helpers/channel-harness.js';
import { cleanEnv } from './helpers/cli-process.js';

let llm: FakeLlmServer;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
  });
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

/** Quote one argument for the shell command line `script -c` runs. */
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

describe('clawdbot chat in a terminal', () => {
  it('Ctrl-C stops the running reply and the chat goes on', async () => {
    const command = [
      process.execPath,
      join(packageRoot, 'bin', 'clawdbot.js'),
      'chat',
      '--session',
      'tty',
      '--state-dir',
      harness.paths.stateDir,
    ]
      .map(quote)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: packageRoot,
      env: cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn', TERM: 'dumb' }),
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (pattern: string | RegExp, from = 0) => {
      const matches = () =>
        typeof pattern === 'string'
          ? output.indexOf(pattern, from) >= 0
          : pattern.test(output.slice(from));
      while (!matches()) {
        if (child.exitCode !== null) throw new Error(`chat exited:\n${output}`);
        await sleep(50);
      }
      return output.length;
    };
    try {
      await waitFor('you> ');
      // The help line is shown only when stdin is a terminal: the pty took.
      expect(output).toContain('/reset starts a new session');
      // The scripted model holds this answer for a long time: the turn is running when Ctrl-C comes.
      child.stdin.write('WAIT 600000 a very slow answer\r');
      while (!llm.requests.some((request) => request.userText.includes('a very slow answer')))
        await sleep(50);
      const before = output.length;
      child.stdin.write('\x03');
      await waitFor('(stopping the reply)', before);
      await waitFor('(reply stopped)', before);
      const afterAbort = await waitFor('you> ', before);

      child.stdin.write('still there?\r');
      await waitFor('echo: still there?', afterAbort);
      const afterReply = await waitFor('you> ', afterAbort);

      child.stdin.write('/reset\r');
      await waitFor('(new session ', afterReply);
      child.stdin.write('/exit\r');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 600_000);
});
