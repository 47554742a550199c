// `channels status` and `pairing list|approve` take `--url`/`--token`/`--password` like
// every other gateway command. Run in this process (their command functions and the real
// commander program): no gateway is needed to show which address they use.
import { describe, expect, it } from 'vitest';
import { createPairingStore } from '../channels/shared/pairing-store.js';
import { runChannelsStatus } from '../cli/commands/channels-status.js';
import { runPairingList } from '../cli/commands/pairing-list.js';
import { buildProgram } from '../cli/main.js';
import { freePort } from '../core/net.js';
import { makeStateDir } from './helpers/cli-process.js';

describe('older gateway commands take --url and --token', () => {
  it('are listed with the connection flags of the other gateway commands', () => {
    const program = buildProgram();
    const sub = (group: string, name: string) =>
      program.commands
        .find((command) => command.name() === group)!
        .commands.find((command) => command.name() === name)!;
    for (const command of [
      sub('channels', 'status'),
      sub('pairing', 'list'),
      sub('pairing', 'approve'),
    ]) {
      const flags = command.options.map((option) => option.long);
      expect(flags).toEqual(
        expect.arrayContaining(['--url', '--token', '--password', '--state-dir', '--port']),
      );
    }
  });

  it('channels status asks --url, not the port in config', async () => {
    const [configured, other] = [await freePort(), await freePort()];
    const stateDir = makeStateDir({ gateway: { port: configured } });
    let output = '';
    const code = await runChannelsStatus(
      { stateDir, url: `ws://127.0.0.1:${other}/`, token: 'flag-token' },
      (text) => void (output += text),
    );
    expect(code).toBe(1);
    expect(output).toContain(`not running at ws://127.0.0.1:${other}/`);
  });

  it('pairing list with an unreachable --url reads the pending requests from the files', async () => {
    const stateDir = makeStateDir({ gateway: { port: await freePort() } });
    const store = createPairingStore({ stateDir });
    const pending = await store.request('telegram', '42', { name: 'Ada' });
    const code = 'code' in pending ? pending.code : undefined;
    expect(code).toBeDefined();
    let output = '';
    const exit = await runPairingList(
      'telegram',
      { stateDir, url: `ws://127.0.0.1:${await freePort()}/`, json: true },
      (text) => void (output += text),
    );
    expect(exit).toBe(0);
    const { requests } = JSON.parse(output) as { requests: { code: string; senderId: string }[] };
    expect(requests).toEqual([expect.objectContaining({ code, senderId: '42' })]);
  });
});
