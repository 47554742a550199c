/**
 * Runs every `bash safe` example of every bundled skill whose tools are installed, so a
 * skill that teaches a flag or subcommand the tool does not have fails here. Blocks whose
 * tools are missing show up as skipped tests that name the missing program.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSkillManifest } from '../core/skills/frontmatter.js';
import { commandWords, onPath, safeBlocks } from './helpers/safe-blocks.js';

const repo = resolve(import.meta.dirname, '..');
const skillsDir = join(repo, 'skills');
// Generous: on a loaded CI machine a Node CLI's --help can take several seconds per call.
const blockTimeoutMs = 120_000;

const root = mkdtempSync(join(tmpdir(), 'clawdbot-skill-examples-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// This repo's own tools count as installed: the temporal binary the setup fetched, and
// `clawdbot` as this checkout's CLI, so those two skills' examples are checked too.
const shimDir = join(root, 'bin');
mkdirSync(shimDir);
mkdirSync(join(root, 'clawdbot-tmp'));
writeFileSync(
  join(shimDir, 'clawdbot'),
  // One TMPDIR for all calls, so tsx compiles the CLI once rather than once per block.
  `#!/bin/sh\nTMPDIR="${join(root, 'clawdbot-tmp')}" exec "${process.execPath}" "${join(repo, 'bin', 'clawdbot.js')}" "$@"\n`,
);
chmodSync(join(shimDir, 'clawdbot'), 0o755);
const path = [shimDir, join(repo, '.tools', 'bin'), process.env.PATH ?? ''].join(delimiter);

// Safe examples must not need the network; where user namespaces exist the blocks run with
// no network at all (not even loopback), so one that reaches out fails instead of passing.
const isolate = spawnSync('unshare', ['-rn', 'true']).status === 0;

interface Outcome {
  code: number | null;
  output: string;
}

function runBlock(script: string, cwd: string): Promise<Outcome> {
  const file = join(cwd, '.block.sh');
  writeFileSync(file, `${script}\n`);
  const argv = ['bash', '-euo', 'pipefail', file];
  const [command, ...args] = isolate ? ['unshare', '-rn', ...argv] : argv;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command!, args, {
      cwd,
      env: {
        PATH: path,
        HOME: cwd,
        TMPDIR: cwd,
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        NO_COLOR: '1',
        GH_NO_UPDATE_NOTIFIER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: blockTimeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, output }));
  });
}

const skills = readdirSync(skillsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

for (const skill of skills) {
  const folder = join(skillsDir, skill);
  const file = join(folder, 'SKILL.md');
  const text = readFileSync(file, 'utf8');
  const anyBins = parseSkillManifest(text, file).metadata.requires?.anyBins ?? [];
  const anyBinInstalled = anyBins.some((bin) => onPath(bin, path));
  const blocks = safeBlocks(text);
  describe.concurrent(`skill ${skill}`, () => {
    if (blocks.length === 0) it.skip('has no bash safe block', () => {});
    for (const block of blocks) {
      const script = block.script.replaceAll('{baseDir}', folder);
      // A program from anyBins counts as present when any of them is: such blocks choose
      // the installed one themselves (`if command -v a; then a …; else b …; fi`).
      const missing = commandWords(script).filter(
        (word) => !onPath(word, path) && !(anyBinInstalled && anyBins.includes(word)),
      );
      const title = `safe block ${block.index} (SKILL.md line ${block.line})`;
      if (missing.length > 0) {
        it.skip(`${title}: skipped, not installed: ${missing.join(', ')}`, () => {});
        continue;
      }
      it(`${title} exits 0`, { timeout: blockTimeoutMs + 5_000 }, async () => {
        const cwd = mkdtempSync(join(root, `${skill}-`));
        const outcome = await runBlock(script, cwd);
        expect(outcome, `block:\n${script}\noutput:\n${outcome.output}`).toMatchObject({ code: 0 });
      });
    }
  });
}
