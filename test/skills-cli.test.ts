// `clawdbot skills list|info|check|install` as a user runs them: real child processes over
// a temp state dir. The installer is a stand-in `go` on PATH (a fake of the external tool,
// in its own process) that records its arguments and drops the binary the skill needs.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { cleanEnv, makeStateDir } from './helpers/cli-process.js';

let stateDir: string;
let binDir: string;

async function cli(args: string[], input = ''): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [join(packageRoot, 'bin', 'clawdbot.js'), ...args, '--state-dir', stateDir],
    {
      cwd: packageRoot,
      env: cleanEnv({
        CLAWDBOT_LOG_LEVEL: 'warn',
        PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      }),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

function writeSkill(name: string, lines: string[]) {
  const folder = join(stateDir, 'workspace', 'skills', name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'SKILL.md'),
    ['---', `name: ${name}`, ...lines, '---', `# ${name}`].join('\n'),
  );
}

beforeAll(() => {
  stateDir = makeStateDir({});
  binDir = join(stateDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  // The stand-in installer: `go install <module>` records its arguments, provides the tool.
  writeFileSync(
    join(binDir, 'go'),
    [
      '#!/bin/sh',
      `echo "$@" > "${join(stateDir, 'go-args.txt')}"`,
      `printf '#!/bin/sh\\necho fake tool\\n' > "${join(binDir, 'clawdbot-fake-tool')}"`,
      `chmod +x "${join(binDir, 'clawdbot-fake-tool')}"`,
    ].join('\n'),
  );
  chmodSync(join(binDir, 'go'), 0o755);
  writeSkill('fake-tool', [
    'description: Drives the fake tool.',
    'metadata: {"clawdbot":{"requires":{"bins":["clawdbot-fake-tool"]},"install":[{"id":"brew","kind":"brew","formula":"fake-tool","os":["darwin"]},{"id":"go","kind":"go","module":"example.com/fake-tool","bins":["clawdbot-fake-tool"],"label":"Install fake-tool (go)"}]}}',
  ]);
});

describe('clawdbot skills', () => {
  it('list --json: every skill with its source and the reason it is out', async () => {
    const { code, output } = await cli(['skills', 'list', '--json']);
    expect(code).toBe(0);
    const { skills } = JSON.parse(output) as {
      skills: {
        name: string;
        source: string;
        eligibility: { eligible: boolean; reason?: string };
      }[];
    };
    const byName = new Map(skills.map((skill) => [skill.name, skill]));
    expect(skills.length).toBeGreaterThanOrEqual(53);
    expect(byName.get('weather')).toMatchObject({
      source: 'bundled',
      eligibility: { eligible: true },
    });
    expect(byName.get('fake-tool')).toMatchObject({
      source: 'workspace',
      eligibility: { eligible: false, reason: 'missing on PATH: clawdbot-fake-tool' },
    });
  });

  it('info and check say what a skill misses and how to install it', async () => {
    const info = await cli(['skills', 'info', 'fake-tool']);
    expect(info.code).toBe(0);
    expect(info.output).toContain('status:    not eligible: missing on PATH: clawdbot-fake-tool');
    expect(info.output).toContain(
      'go (Install fake-tool (go)): go install example.com/fake-tool@latest',
    );
    expect(info.output).toContain('brew (Install with brew): only for darwin');
    const check = await cli(['skills', 'check']);
    expect(check.code).toBe(0);
    expect(check.output).toMatch(/^\d+ skills: \d+ eligible, \d+ not eligible$/m);
    expect(check.output).toContain('  fake-tool: missing on PATH: clawdbot-fake-tool');
  });

  it('install asks first, runs nothing on "no", and installs with --yes', async () => {
    const declined = await cli(['skills', 'install', 'fake-tool'], 'n\n');
    expect(declined.output).toContain('run `go install example.com/fake-tool@latest`? [y/N]');
    expect(declined.output).toContain('Not installed.');
    expect(declined.code).toBe(1);
    expect(existsSync(join(stateDir, 'go-args.txt'))).toBe(false);

    const done = await cli(['skills', 'install', 'fake-tool', '--yes']);
    expect(done.code).toBe(0);
    expect(readFileSync(join(stateDir, 'go-args.txt'), 'utf8').trim()).toBe(
      'install example.com/fake-tool@latest',
    );
    expect(done.output).toContain('fake-tool is now eligible.');
  });

  it('install explains what to do by hand when no installer fits', async () => {
    writeSkill('mac-helper', [
      'description: Needs a Homebrew formula.',
      'metadata: {"clawdbot":{"requires":{"bins":["clawdbot-mac-helper"]},"install":[{"kind":"brew","formula":"mac-helper"}]}}',
    ]);
    const { code, output } = await cli(['skills', 'install', 'mac-helper', '--yes']);
    expect(code).toBe(1);
    expect(output).toContain('No installer for it runs on this machine. By hand:');
    expect(output).toContain('brew is not installed here; run by hand: brew install mac-helper');
  });
});
