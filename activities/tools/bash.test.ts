import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashTool } from './bash.js';
import { runTool, type ToolContext } from './tool.js';

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'clawdbot-bash-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function run(args: Record<string, unknown>, signal = new AbortController().signal) {
  const context: ToolContext = {
    workspaceDir: workspace,
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal,
    heartbeat: () => {},
  };
  return runTool(bashTool, args, context);
}

/** Alive means running: a zombie waiting for a reaper (PID 1 in a container may not reap) is gone. */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

function childPid(text: string): number {
  const match = /pid=(\d+)/.exec(text);
  expect(match).not.toBeNull();
  return Number(match![1]);
}

describe('bash', () => {
  it('runs in the workspace and returns stdout and stderr in order', async () => {
    const result = await run({ command: 'echo out; echo err >&2; echo again; pwd' });
    expect(result.isError).toBe(false);
    expect(result.text).toBe(`out\nerr\nagain\n${await realpath(workspace)}\n\n[Exit code 0]`);
    expect(result.details).toMatchObject({ exitCode: 0, timedOut: false, aborted: false });
  });

  it('runs in a cwd inside the workspace and refuses one outside', async () => {
    await mkdir(join(workspace, 'sub'));
    expect((await run({ command: 'basename "$PWD"', cwd: 'sub' })).text).toMatch(/^sub\n/);
    expect(await run({ command: 'pwd', cwd: '..' })).toMatchObject({
      isError: true,
      details: { code: 'PATH_OUTSIDE_WORKSPACE' },
    });
  });

  it('returns a non-zero exit as an error result', async () => {
    expect(await run({ command: 'echo failing; exit 3' })).toMatchObject({
      isError: true,
      text: 'failing\n\n[Exit code 3]',
      details: { exitCode: 3 },
    });
  });

  it('reports bash errors with the line numbers of the command as given', async () => {
    expect((await run({ command: 'nosuchcmd' })).text).toBe(
      'bash: line 1: nosuchcmd: command not found\n\n[Exit code 127]',
    );
    expect((await run({ command: 'echo "unterminated' })).text).toMatch(/^bash: -c: line 1: /);
  });

  it('returns when bash exits even if a background child holds the output', async () => {
    const started = Date.now();
    const result = await run({ command: 'sleep 30 & echo pid=$!' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.isError).toBe(false);
    process.kill(childPid(result.text));
  });

  it('kills the whole process tree on timeout', async () => {
    const started = Date.now();
    const result = await run({ command: 'sleep 300 & echo pid=$!; wait', timeoutSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ isError: true, details: { timedOut: true } });
    expect(result.text).toContain('[Timed out after 1 s');
    expect(await isRunning(childPid(result.text))).toBe(false);
  });

  it('kills children that ignore SIGTERM with SIGKILL after a grace period', async () => {
    const command = '(trap "" TERM; sleep 300; true) & echo pid=$!; wait';
    const result = await run({ command, timeoutSeconds: 1 });
    expect(result.details).toMatchObject({ timedOut: true });
    expect(await isRunning(childPid(result.text))).toBe(false);
  });

  it('stops the process tree when the turn is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await run({ command: 'sleep 300 & echo pid=$!; wait' }, controller.signal);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ isError: true, details: { aborted: true } });
    expect(await isRunning(childPid(result.text))).toBe(false);
  });

  it('keeps the head and tail of long output and says how much was cut', async () => {
    const result = await run({
      command: 'echo START; head -c 200000 /dev/zero | tr "\\0" x; echo; echo END',
    });
    expect(result.text.startsWith('START\n')).toBe(true);
    expect(result.text).toMatch(/\n\[\.\.\. \d+ bytes of output omitted \.\.\.\]\n/);
    expect(result.text).toContain('END\n\n[Exit code 0]');
    expect(result.text.length).toBeLessThan(70 * 1024);
    expect(result.details).toMatchObject({
      outputBytes: 200_011,
      omittedBytes: 200_011 - 64 * 1024,
    });
  });

  it('does not pass ClawdBot secrets to the command', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-test-secret';
    try {
      const result = await run({
        command: 'echo "[$OPENAI_API_KEY][$ANTHROPIC_API_KEY]"; env | grep -c API_KEY || true',
      });
      expect(result.text).toBe('[][]\n0\n\n[Exit code 0]');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('says so when there is no output, and rejects an out-of-range timeout', async () => {
    expect((await run({ command: 'true' })).text).toBe('(no output)\n\n[Exit code 0]');
    const invalid = await run({ command: 'true', timeoutSeconds: 5000 });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain('- timeoutSeconds:');
  });
});
