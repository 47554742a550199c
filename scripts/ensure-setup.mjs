#!/usr/bin/env node
// First-run set-up for `npm start` and `npm test` on a fresh clone: npm packages if
// missing, then the Temporal CLI, the Control UI's build, our TypeScript compiled into
// dist/, and for the tests the multi-service Temporal server.
// Plain JavaScript with no dependencies, because it runs before node_modules exists.
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
// npm runs it as postinstall; again here for checkouts installed before a patch was added.
run('node', [join(root, 'scripts', 'apply-patches.mjs')]);
run('bash', [join(root, 'scripts', 'install-temporal')]);
// The Control UI the gateway serves at `/` (skipped when web/src did not change).
run(process.execPath, [join(root, 'scripts', 'build-web.mjs')]);
// Our TypeScript compiled into dist/, which bin/clawdbot.js runs while it matches the
// sources (about a second sooner to a running gateway than tsx; skipped when unchanged).
run(process.execPath, [join(root, 'scripts', 'build-dist.mjs')]);
// The real Temporal server and its sql tool, for the cluster tests (test/cluster/).
// `npm start` runs the embedded dev server and never needs them: it does not wait minutes
// for a Go build, or fail without Go, for their sake.
if (process.env.npm_lifecycle_event !== 'start') {
  run('bash', [join(root, 'scripts', 'install-temporal-server')]);
  // Dendrite, the Matrix homeserver the Matrix channel tests talk to.
  run('bash', [join(root, 'scripts', 'install-dendrite')]);
  ensureDebianPackages();
}

// What the tests start besides our own code: Chromium (WebChat tests), PostgreSQL 15 (the
// cluster tests), docker-compose (validates docker-compose.yml; no engine needed) and
// bubblewrap (the shell sandbox of sessions that are not the owner's), and what the tts
// tool's local voice uses: espeak-ng speaks, ffmpeg and opus-tools encode, sox measures.
function ensureDebianPackages() {
  const wanted = ['chromium', 'postgresql', 'docker-compose', 'bubblewrap'];
  const voice = ['espeak-ng', 'ffmpeg', 'opus-tools', 'sox'];
  wanted.push(...voice);
  const hasDpkg = spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasDpkg) return; // not Debian: the tests say what they miss
  const missing = wanted.filter(
    (name) => spawnSync('dpkg', ['-s', name], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `setup: the tests need Debian packages: sudo apt-get install ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}
