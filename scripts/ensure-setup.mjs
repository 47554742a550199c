#!/usr/bin/env node
// First-run set-up for `npm start` and `npm test` on a fresh clone: npm packages if
// missing, then the Temporal CLI. Plain JavaScript with no dependencies, because it
// runs before node_modules exists.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `setup: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
const stale =
  !existsSync(installed) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs);
if (stale) {
  console.log('setup: installing npm packages...');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-fund', '--no-audit']);
}
run('bash', [join(root, 'scripts', 'install-temporal')]);
