/**
 * A real Matrix homeserver for the Matrix channel tests: Dendrite (built by
 * scripts/install-dendrite into .tools/bin) on 127.0.0.1 with SQLite in a temp dir, rate
 * limits off, accounts created with its own create-account tool through the shared-secret
 * registration. The test run's global setup (test/setup/dendrite-server.ts) starts one and
 * every Matrix test file uses it, each with its own user names.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { freePort } from '../../core/net.js';

const binDir = fileURLToPath(new URL('../../.tools/bin/', import.meta.url));

/** The installed Dendrite binaries. */
export const dendriteBinaries = {
  server: join(binDir, 'dendrite'),
  generateConfig: join(binDir, 'dendrite-generate-config'),
  generateKeys: join(binDir, 'dendrite-generate-keys'),
  createAccount: join(binDir, 'dendrite-create-account'),
};

/** Whether scripts/install-dendrite has run. */
export function dendriteInstalled(): boolean {
  return Object.values(dendriteBinaries).every((path) => existsSync(path));
}

/** Where a running Dendrite is (what the global setup hands to the test files). */
export interface DendriteInfo {
  /** http://127.0.0.1:<port>: the client-server API base URL. */
  url: string;
  serverName: string;
  configPath: string;
}

/** A started Dendrite. */
export interface DendriteHandle extends DendriteInfo {
  stop(): Promise<void>;
}

/** Generate keys and config in `dir` and start Dendrite; resolves once it answers. */
export async function startDendrite(dir: string): Promise<DendriteHandle> {
  if (!dendriteInstalled()) {
    throw new Error('Dendrite is not installed: run scripts/install-dendrite (npm test does)');
  }
  await mkdir(dir, { recursive: true });
  const serverName = 'localhost';
  const run = (binary: string, args: string[]) => {
    const result = spawnSync(binary, args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${binary} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
    }
    return result.stdout;
  };
  run(dendriteBinaries.generateKeys, ['--private-key', join(dir, 'matrix_key.pem')]);
  // -ci: SQLite files in dir, rate limiting off, shared-secret registration, in-memory NATS.
  const generated = run(dendriteBinaries.generateConfig, [
    '-ci',
    '-server',
    serverName,
    '-dir',
    dir,
  ]);
  const config = YAML.parse(generated) as Record<string, unknown> & {
    global: Record<string, unknown>;
  };
  config.global.private_key = join(dir, 'matrix_key.pem');
  // Accounts come from create-account (shared-secret registration), which works with open
  // registration off; Dendrite refuses to start with it on and no captcha.
  const clientApi = config.client_api as Record<string, unknown>;
  clientApi.registration_disabled = true;
  // Trace logging of every request costs a busy test machine more than the tests themselves.
  config.logging = [{ type: 'std', level: 'warn' }];
  const configPath = join(dir, 'dendrite.yaml');
  await writeFile(configPath, YAML.stringify(config));
  const port = await freePort();
  const child = spawn(
    dendriteBinaries.server,
    ['-config', configPath, '-http-bind-address', `127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitForVersions(url, child, () => output);
  return {
    url,
    serverName,
    configPath,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForVersions(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`dendrite exited with ${child.exitCode}: ${output()}`);
    }
    try {
      const response = await fetch(`${url}/_matrix/client/versions`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`dendrite did not answer on ${url} within 120 s: ${output()}`);
}

/** A user logged in with its own device. */
export interface MatrixTestUser {
  userId: string;
  password: string;
  accessToken: string;
  deviceId: string;
}

/** Create an account with Dendrite's create-account tool, then log it in. */
export async function createMatrixUser(
  dendrite: DendriteInfo,
  localpart: string,
  password = `pw-${localpart}-secret`,
): Promise<MatrixTestUser> {
  const result = spawnSync(
    dendriteBinaries.createAccount,
    [
      '-config',
      dendrite.configPath,
      '-url',
      dendrite.url,
      '-username',
      localpart,
      '-passwordstdin',
    ],
    { input: password, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`create-account ${localpart} failed: ${result.stderr || result.stdout}`);
  }
  const userId = `@${localpart}:${dendrite.serverName}`;
  const response = await fetch(`${dendrite.url}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: localpart },
      password,
    }),
  });
  const body = (await response.json()) as { access_token?: string; device_id?: string };
  if (!response.ok || !body.access_token || !body.device_id) {
    throw new Error(`login of ${userId} failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return { userId, password, accessToken: body.access_token, deviceId: body.device_id };
}

/** Read the config a running Dendrite uses (tests that need its settings). */
export async function readDendriteConfig(configPath: string): Promise<unknown> {
  return YAML.parse(await readFile(configPath, 'utf8')) as unknown;
}
