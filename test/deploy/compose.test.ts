import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, OptionValues } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import { packageRoot } from '../../core/paths.js';
import {
  composeCommand,
  composeFilePath,
  composeService,
  interpolate,
  loadCompose,
  rewriteAddresses,
} from '../helpers/compose.js';

const secrets = {
  POSTGRES_PASSWORD: 'compose-test-password',
  CLAWDBOT_GATEWAY_TOKEN: 'compose-test-token',
};
const hosts = {
  temporal: '127.0.0.1:40001',
  gateway: '127.0.0.1:40002',
  postgresql: '127.0.0.1:40003',
};

const scratch = mkdtempSync(join(tmpdir(), 'clawdbot-compose-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Parse `clawdbot <args>` with the CLI's own parser; actions only record their options. */
function parseCli(args: string[]): { command: string; options: OptionValues } {
  const program = buildProgram();
  let parsed: { command: string; options: OptionValues } | undefined;
  const quiet = (command: Command) =>
    command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  quiet(program);
  for (const command of program.commands) {
    quiet(command).action((options: OptionValues) => {
      parsed = { command: command.name(), options };
    });
  }
  program.parse(['node', 'clawdbot', ...args]);
  if (!parsed) throw new Error(`no command ran for: ${args.join(' ')}`);
  return parsed;
}

function commandOf(service: string): string[] {
  const { command } = composeService(service);
  if (!Array.isArray(command)) throw new Error(`${service}: command is not a list`);
  return command;
}

/** Run docker-compose (v1, which validates without a Docker engine) on our file. */
function dockerCompose(args: string[], envFile: string) {
  const env = { ...process.env };
  for (const name of [...Object.keys(secrets), 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY']) {
    delete env[name];
  }
  return spawnSync('docker-compose', ['-f', composeFilePath, '--env-file', envFile, ...args], {
    cwd: packageRoot,
    env,
    encoding: 'utf8',
  });
}

describe('docker-compose.yml', () => {
  it('is a valid compose file when .env supplies the secrets, and not without them', (context) => {
    const probe = spawnSync('docker-compose', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      const reason = 'docker-compose is not installed (Debian: apt-get install docker-compose)';
      if (process.env.CI) throw new Error(reason);
      context.skip(reason);
    }
    const envFile = join(scratch, 'complete.env');
    writeFileSync(
      envFile,
      Object.entries(secrets)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );
    const valid = dockerCompose(['config', '-q'], envFile);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);

    const withoutToken = join(scratch, 'without-token.env');
    writeFileSync(withoutToken, `POSTGRES_PASSWORD=${secrets.POSTGRES_PASSWORD}\n`);
    const invalid = dockerCompose(['config', '-q'], withoutToken);
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toContain('set CLAWDBOT_GATEWAY_TOKEN in .env');
  });

  it('has every service the distributed set-up needs', () => {
    expect(Object.keys(loadCompose().services)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-namespace',
        'temporal-ui',
        'gateway',
        'worker',
      ]),
    );
  });

  it("runs commands that the CLI's own parser accepts", () => {
    const gateway = parseCli(commandOf('gateway'));
    expect(gateway.command).toBe('gateway');
    expect(gateway.options).toMatchObject({
      worker: false,
      temporalAddress: 'temporal:7233',
      bind: '0.0.0.0',
    });

    const worker = parseCli(commandOf('worker'));
    expect(worker.command).toBe('worker');
    expect(worker.options).toMatchObject({
      temporalAddress: 'temporal:7233',
      gatewayUrl: 'ws://gateway:18789/internal/events',
    });
  });

  it('would notice a command the CLI does not accept', () => {
    expect(() => parseCli([...commandOf('worker'), '--no-such-flag'])).toThrow(
      /unknown option '--no-such-flag'/,
    );
    expect(() => parseCli(['gatewy', ...commandOf('gateway').slice(1)])).toThrow(/unknown command/);
  });

  it('lets the worker scale and pins Temporal to 1.29 with our config files', () => {
    const worker = composeService('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();

    const temporal = composeService('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:1\.29\.\d+$/);
    expect(composeService('temporal-schema').image).toMatch(/^temporalio\/admin-tools:1\.29\./);
    const mounts = (temporal.volumes ?? []).map(String);
    expect(mounts).toContain(
      './deploy/temporal/config.yaml:/etc/temporal/config/config_template.yaml:ro',
    );
    expect(mounts).toContainEqual(
      expect.stringMatching(/^\.\/deploy\/temporal\/dynamicconfig\.yaml:/),
    );
    for (const file of ['config.yaml', 'dynamicconfig.yaml']) {
      expect(existsSync(join(packageRoot, 'deploy', 'temporal', file)), file).toBe(true);
    }
  });
});

describe('composeCommand', () => {
  const env = { ...secrets, ANTHROPIC_API_KEY: 'sk-ant-test' };

  it('runs the gateway on loopback at its mapped port, against the mapped services', () => {
    const gateway = composeCommand('gateway', { hosts, env, stateDir: '/tmp/gateway-state' });
    expect(gateway.args).toEqual([
      'gateway',
      '--no-worker',
      '--temporal-address',
      '127.0.0.1:40001',
      '--bind',
      '127.0.0.1',
      '--port',
      '40002',
    ]);
    expect(gateway.env).toMatchObject({
      CLAWDBOT_GATEWAY_TOKEN: 'compose-test-token',
      CLAWDBOT_POSTGRES_URL: 'postgres://temporal:compose-test-password@127.0.0.1:40003/clawdbot',
      CLAWDBOT_STATE_DIR: '/tmp/gateway-state',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      OPENAI_API_KEY: '',
    });
    expect(parseCli(gateway.args).options).toMatchObject({ port: '40002', bind: '127.0.0.1' });
  });

  it('points the worker at the mapped Temporal server and gateway', () => {
    const worker = composeCommand('worker', { hosts, env, stateDir: '/tmp/worker-state' });
    expect(worker.args).toEqual([
      'worker',
      '--temporal-address',
      '127.0.0.1:40001',
      '--gateway-url',
      'ws://127.0.0.1:40002/internal/events',
    ]);
    expect(worker.env.CLAWDBOT_STATE_DIR).toBe('/tmp/worker-state');
    expect(parseCli(worker.args).command).toBe('worker');
  });

  it('never rewrites a secret from .env, even one that starts like a port', () => {
    // Interpolation comes after the address rewrite: `temporal:3f9a…@` is a password.
    const worker = composeCommand('worker', {
      hosts,
      env: { ...env, POSTGRES_PASSWORD: '3f9a07' },
      stateDir: scratch,
    });
    expect(worker.env.CLAWDBOT_POSTGRES_URL).toBe(
      'postgres://temporal:3f9a07@127.0.0.1:40003/clawdbot',
    );
  });

  it('fails on a missing secret or an unmapped service', () => {
    expect(() =>
      composeCommand('worker', { hosts, env: { POSTGRES_PASSWORD: 'x' }, stateDir: scratch }),
    ).toThrow(/CLAWDBOT_GATEWAY_TOKEN is missing a value: set CLAWDBOT_GATEWAY_TOKEN in \.env/);
    expect(() =>
      composeCommand('worker', {
        hosts: { temporal: hosts.temporal, postgresql: hosts.postgresql },
        env,
        stateDir: scratch,
      }),
    ).toThrow(/no local address for "gateway:18789"/);
    expect(() => composeCommand('temporal', { hosts, env, stateDir: scratch })).toThrow(
      /does not run the clawdbot image/,
    );
  });

  it('interpolates like compose', () => {
    const vars = { SET: 'value', EMPTY: '' };
    expect(interpolate('a${SET}b ${UNSET} $$HOME', vars)).toBe('avalueb  $HOME');
    expect(interpolate('${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', vars)).toBe('d  d');
    expect(interpolate('${EMPTY?m}', vars)).toBe('');
    expect(() => interpolate('${EMPTY:?needed}', vars)).toThrow('EMPTY is missing a value: needed');
    expect(() => interpolate('${UNSET?needed}', vars)).toThrow('needed');
    expect(() => interpolate('$SET', vars)).toThrow(/unsupported/);
  });

  it('rewrites service addresses only', () => {
    const services = ['temporal', 'temporal-ui', 'postgresql'];
    const local = { temporal: '127.0.0.1:1', 'temporal-ui': '127.0.0.1:2', postgresql: '[::1]:3' };
    const rewrite = (value: string) => rewriteAddresses(value, services, local);
    expect(rewrite('temporal:7233 temporal-ui:8080')).toBe('127.0.0.1:1 127.0.0.1:2');
    // A user called like a service, even with a numeric password, is not an address.
    expect(rewrite('postgres://temporal:1234@postgresql:5432/db')).toBe(
      'postgres://temporal:1234@[::1]:3/db',
    );
    expect(rewrite('my-temporal:7233 temporal.example:7233 temporal')).toBe(
      'my-temporal:7233 temporal.example:7233 temporal',
    );
  });
});
