// How `clawdbot` starts: which code it runs (dist/ while it matches the sources, else the
// sources through tsx) and what a Temporal CLI that cannot run does to a gateway start.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../core/net.js';
import { packageRoot } from '../core/paths.js';
import { cleanEnv, makeStateDir, spawnClawdbot } from './helpers/cli-process.js';

/**
 * A checkout of its own with the real bin/clawdbot.js and dist build scripts, and a
 * two-file program in place of the CLI: edits there cannot disturb other test files.
 */
function miniCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'clawdbot-startup-'));
  for (const dir of ['bin', 'scripts', 'cli', 'core']) mkdirSync(join(root, dir));
  for (const file of [
    'bin/clawdbot.js',
    'scripts/dist-stamp.mjs',
    'scripts/build-dist.mjs',
    'core/dist-build.ts',
  ]) {
    copyFileSync(join(packageRoot, file), join(root, file));
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type": "module"}\n');
  writeFileSync(
    join(root, 'cli', 'main.ts'),
    [
      "import { compiledIntoDist } from '../core/dist-build.js';",
      "import { greeting } from './greeting.js';",
      'console.log(JSON.stringify({ greeting, compiledIntoDist, url: import.meta.url }));',
      '',
    ].join('\n'),
  );
  setGreeting(root, 'one');
  return root;
}

function setGreeting(root: string, greeting: string) {
  const file = join(root, 'cli', 'greeting.ts');
  writeFileSync(file, `export const greeting: string = ${JSON.stringify(greeting)};\n`);
  // A later mtime than any build before, even within the file system's time resolution.
  const later = new Date(Date.now() + 5_000 * (greeting === 'one' ? 1 : 2));
  utimesSync(file, later, later);
}

function run(root: string, file: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [join(root, file)], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function clawdbot(root: string, env: NodeJS.ProcessEnv = {}) {
  return JSON.parse(run(root, 'bin/clawdbot.js', env)) as {
    greeting: string;
    compiledIntoDist: boolean;
    url: string;
  };
}

describe('clawdbot start-up', () => {
  it('runs dist only while it was built from the sources as they are; an edit runs at once', () => {
    const root = miniCheckout();
    // No build yet: the sources, through tsx.
    expect(clawdbot(root)).toMatchObject({ greeting: 'one', compiledIntoDist: false });

    expect(run(root, 'scripts/build-dist.mjs')).toContain('into dist/');
    const built = clawdbot(root);
    expect(built).toMatchObject({ greeting: 'one', compiledIntoDist: true });
    // Code that finds files beside itself still finds them in the source tree.
    expect(built.url).toBe(`file://${join(root, 'cli', 'main.ts')}`);
    // Nothing changed: the build is skipped.
    expect(run(root, 'scripts/build-dist.mjs')).toBe('');
    expect(clawdbot(root, { CLAWDBOT_NO_DIST: '1' })).toMatchObject({ compiledIntoDist: false });

    // A developer edits a file dist was built from: the edit runs, from the sources.
    setGreeting(root, 'two');
    expect(clawdbot(root)).toMatchObject({ greeting: 'two', compiledIntoDist: false });
    run(root, 'scripts/build-dist.mjs');
    expect(clawdbot(root)).toMatchObject({ greeting: 'two', compiledIntoDist: true });
  });

  it('a Temporal CLI that cannot run stops the gateway with TEMPORAL_START_FAILED naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawdbot-broken-temporal-'));
    const binary = join(dir, 'temporal');
    writeFileSync(binary, '#!/bin/sh\necho "temporal: cannot start here" >&2\nexit 3\n');
    chmodSync(binary, 0o755);
    const [port, temporalPort] = [await freePort(), await freePort()];
    const stateDir = makeStateDir({
      gateway: { port },
      temporal: { dev: { port: temporalPort, headless: true } },
    });
    const cli = spawnClawdbot(
      ['gateway', '--state-dir', stateDir],
      cleanEnv({ CLAWDBOT_TEMPORAL_BIN: binary }),
    );
    const exit = await cli.exited;
    expect(exit.code).toBe(1);
    expect(cli.output()).toContain('TEMPORAL_START_FAILED');
    expect(cli.output()).toContain(binary);
    expect(cli.output()).toContain('cannot start here');
  });
});
