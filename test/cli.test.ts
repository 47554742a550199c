// The `clawdbot` client commands as a person runs them: real child processes against a
// real `clawdbot gateway --no-worker` with a `clawdbot worker` beside it (one pair for the
// whole file), the test run's Temporal server and the scripted LLM.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCompletion } from '../cli/commands/completion.js';
import {
  runConfigGet,
  runConfigSet,
  runConfigUnset,
  runConfigValidate,
} from '../cli/commands/config.js';
import { runOnboard } from '../cli/commands/onboard.js';
import type { Output } from '../cli/gateway-command.js';
import { buildProgram } from '../cli/main.js';
import { freePort } from '../core/net.js';
import { packageRoot } from '../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startChannelProcesses, type ChannelProcessesHarness } from './helpers/channel-harness.js';
import { cleanEnv, makeStateDir } from './helpers/cli-process.js';

let llm: FakeLlmServer;
let harness: ChannelProcessesHarness;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `clawdbot <args>` to its end, against the harness's state dir unless `stateDir` says otherwise. */
async function cli(
  args: string[],
  options: { input?: string; stateDir?: string | null } = {},
): Promise<Run> {
  const stateDir = options.stateDir === undefined ? harness.paths.stateDir : options.stateDir;
  const child = spawn(
    process.execPath,
    [
      join(packageRoot, 'bin', 'clawdbot.js'),
      ...args,
      ...(stateDir === null ? [] : ['--state-dir', stateDir]),
    ],
    { cwd: packageRoot, env: cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }), stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

function json<T>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: { approvals: { tools: ['write_file'], timeoutMs: 120_000 } },
  });
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('clawdbot --help and usage', () => {
  it('lists every command with a one-line description; bad usage exits 2', async () => {
    const program = buildProgram();
    for (const command of program.commands) {
      expect(command.description(), command.name()).toMatch(/\S/);
    }
    const [help, bad] = await Promise.all([
      cli(['--help'], { stateDir: null }),
      cli(['status', '--no-such-flag']),
    ]);
    expect(help.code).toBe(0);
    for (const name of ['agent', 'chat', 'status', 'health', 'logs', 'sessions', 'cron']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    for (const name of ['approvals', 'config', 'message', 'onboard', 'completion']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--no-such-flag'");
  }, 600_000);

  it('an unreachable gateway is exit code 1 with what to do', async () => {
    const port = await freePort();
    const results = await Promise.all([
      cli(['status', '--url', `ws://127.0.0.1:${port}/`]),
      cli(['agent', '--message', 'hi', '--url', `ws://127.0.0.1:${port}/`]),
    ]);
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`gateway not reachable at ws://127.0.0.1:${port}/`);
      expect(result.stderr).toContain('start it with `clawdbot gateway`');
    }
  }, 600_000);
});

describe('clawdbot agent and sessions', () => {
  it('agent streams the reply; --json gives the outcome; --no-stream prints it once', async () => {
    const [streamed, asJson, once] = await Promise.all([
      cli(['agent', '--message', 'hello from the cli', '--session', 'cli-agent']),
      cli(['agent', '-m', 'as json', '--session', 'cli-agent-json', '--json']),
      cli(['agent', '-m', 'not streamed', '--session', 'cli-agent-once', '--no-stream']),
      // Turns the session and chat tests below read back.
      cli(['agent', '-m', 'remember me', '--session', 'cli-sessions']),
      cli(['agent', '-m', 'earlier message', '--session', 'cli-chat']),
    ]);
    expect(streamed.stderr).toBe('');
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toBe('echo: hello from the cli\n');
    expect(asJson.code).toBe(0);
    expect(json(asJson)).toMatchObject({
      status: 'ok',
      summary: 'completed',
      result: { payloads: [{ text: 'echo: as json' }] },
    });
    expect(once.code).toBe(0);
    expect(once.stdout).toBe('echo: not streamed\n');
  }, 600_000);

  it('sessions list, history, reset and delete go through the gateway', async () => {
    const [listed, plain, history, historyRun, badLimit] = await Promise.all([
      cli(['sessions', 'list', '--json']),
      cli(['sessions', 'list']),
      cli(['sessions', 'history', 'cli-sessions']),
      cli(['sessions', 'history', 'cli-sessions', '--json']),
      cli(['sessions', 'list', '--limit', 'lots']),
    ]);
    expect(listed.code).toBe(0);
    const { sessions } = json<{ sessions: { key: string; sessionId: string }[] }>(listed);
    const row = sessions.find((session) => session.key === 'agent:main:cli-sessions');
    expect(row).toBeDefined();
    expect(plain.stdout).toContain('agent:main:cli-sessions');

    expect(history.code).toBe(0);
    expect(history.stdout).toContain('user: remember me');
    expect(history.stdout).toContain('assistant: echo: remember me');
    const historyJson = json<{ messages: unknown[] }>(historyRun);
    expect(historyJson.messages.length).toBeGreaterThanOrEqual(2);

    const reset = await cli(['sessions', 'reset', 'cli-sessions', '--json']);
    expect(reset.code).toBe(0);
    expect(json<{ entry: { sessionId: string } }>(reset).entry.sessionId).not.toBe(row!.sessionId);
    const deleted = await cli(['sessions', 'delete', 'cli-sessions']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deleted agent:main:cli-sessions');
    const again = await cli(['sessions', 'delete', 'cli-sessions']);
    expect(again.code).toBe(1);
    expect(badLimit.code).toBe(2);
  }, 600_000);

  it('chat reads a script from stdin: history, replies, /reset', async () => {
    const chat = await cli(['chat', '--session', 'cli-chat'], {
      input: 'first line\n/reset\nsecond line\n',
    });
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain('you> earlier message');
    expect(chat.stdout).toContain('bot> echo: first line');
    expect(chat.stdout).toMatch(/\(new session [\w-]+\)/);
    expect(chat.stdout).toContain('bot> echo: second line');
    const history = await cli(['sessions', 'history', 'cli-chat']);
    // After /reset the session holds only the second line.
    expect(history.stdout).toContain('user: second line');
    expect(history.stdout).not.toContain('first line');
  }, 600_000);
});

describe('clawdbot status, health, logs', () => {
  it('status and health report gateway, Temporal and worker', async () => {
    const [status, statusJson, health] = await Promise.all([
      cli(['status']),
      cli(['status', '--json']),
      cli(['health', '--json']),
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/healthy/);
    expect(status.stdout).toMatch(/^temporal: /m);
    expect(status.stdout).toMatch(/^worker: /m);
    expect(status.stdout).toMatch(/^ {2}webchat\/default: /m);
    const report = json<{
      ok: boolean;
      status: { version: unknown };
      health: { ok: boolean; temporal: { status: unknown } };
      channels: { channel: string }[];
      pendingApprovals: unknown;
    }>(statusJson);
    expect(report.ok).toBe(true);
    expect(typeof report.status.version).toBe('string');
    expect(report.health.ok).toBe(true);
    expect(typeof report.health.temporal.status).toBe('string');
    expect(report.channels.map((account) => account.channel)).toContain('webchat');
    expect(typeof report.pendingApprovals).toBe('number');
    expect(health.code).toBe(0);
    expect(json(health)).toMatchObject({ ok: true, gateway: { status: 'ok' } });
  }, 600_000);

  it('logs shows lines of the gateway and of the worker process; --follow prints new ones', async () => {
    const [logs, plain, loud] = await Promise.all([
      cli(['logs', '--json', '--limit', '500']),
      cli(['logs', '--level', 'info']),
      cli(['logs', '--level', 'loud']),
    ]);
    expect(logs.code).toBe(0);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { process: string; message: string; level: string });
    const processes = new Set(lines.map((line) => line.process.replace(/-\d+$/, '')));
    expect(processes).toEqual(new Set(['gateway', 'worker']));
    expect(plain.stdout).toMatch(/info +gateway-\d+ \[clawdbot/);
    expect(loud.code).toBe(2);

    // --follow prints the newest lines, keeps asking, and stops cleanly on Ctrl-C (lines
    // written later are read by cursor: core/log-files.test.ts).
    const follower = spawn(
      process.execPath,
      [
        join(packageRoot, 'bin', 'clawdbot.js'),
        'logs',
        '--follow',
        '--limit',
        '1',
        '--interval',
        '200',
        '--state-dir',
        harness.paths.stateDir,
      ],
      { cwd: packageRoot, env: cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }), stdio: 'pipe' },
    );
    let followed = '';
    follower.stdout.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => follower.once('exit', resolve));
    try {
      while (followed === '' && follower.exitCode === null) await sleep(100);
      expect(followed.trim().split('\n')).toHaveLength(1);
      expect(follower.exitCode).toBeNull();
    } finally {
      follower.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 600_000);
});

describe('clawdbot cron and approvals', () => {
  it('cron add, list, run, runs, remove', async () => {
    const added = await cli([
      'cron',
      'add',
      '--every',
      '1h',
      '--message',
      'hourly check',
      '--name',
      'cli job',
      '--session',
      'cli-cron',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const job = json<{ id: string; schedule: { kind: string; everyMs: number } }>(added);
    expect(job.schedule).toMatchObject({ kind: 'every', everyMs: 3_600_000 });

    const listed = json<{ jobs: { id: string }[] }>(await cli(['cron', 'list', '--json']));
    expect(listed.jobs.map((entry) => entry.id)).toContain(job.id);
    expect((await cli(['cron', 'list'])).stdout).toContain('cli job');

    const ran = await cli(['cron', 'run', job.id]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`Fired cron job ${job.id}`);
    let runs: { entries: { status: string }[] } = { entries: [] };
    while (runs.entries.length === 0) {
      runs = json(await cli(['cron', 'runs', job.id, '--json']));
      if (runs.entries.length === 0) await sleep(500);
    }
    expect(runs.entries[0]).toMatchObject({ status: 'ok' });

    expect((await cli(['cron', 'remove', job.id])).code).toBe(0);
    expect((await cli(['cron', 'remove', job.id])).code).toBe(1);
    const bad = await cli(['cron', 'add', '--message', 'x', '--every', '1h', '--in', '5m']);
    expect(bad.code).toBe(2);
  }, 600_000);

  it('approvals list shows a waiting tool call; allow lets the turn finish', async () => {
    llm.scriptFor('cli-needs-approval', [
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_cli', name: 'write_file', arguments: { path: 'cli.txt', content: 'ok' } },
        ],
      },
      { kind: 'text', text: 'written after the cli allowed it' },
    ]);
    let settled = false;
    const turn = cli(['agent', '-m', 'cli-needs-approval', '--session', 'cli-approvals']).finally(
      () => (settled = true),
    );
    let approvals: { approvalId: string; toolName: string }[] = [];
    while (approvals.length === 0 && !settled) {
      approvals = json<{ approvals: typeof approvals }>(
        await cli(['approvals', 'list', '--json']),
      ).approvals;
      if (approvals.length === 0) await sleep(300);
    }
    expect(approvals[0]).toMatchObject({ toolName: 'write_file' });
    expect((await cli(['approvals', 'list'])).stdout).toContain('write_file');
    // While it waits, `clawdbot status` lists the turn among the running ones (polled: the
    // list comes from Temporal's visibility store, which lags the workflow by a moment).
    let running: { sessionKey: string; state: string }[] = [];
    for (let attempt = 0; attempt < 50 && !settled; attempt++) {
      running = json<{ runningTurns: typeof running }>(
        await cli(['status', '--json']),
      ).runningTurns;
      if (running.some((run) => run.sessionKey === 'agent:main:cli-approvals')) break;
      await sleep(300);
    }
    expect(running).toContainEqual(
      expect.objectContaining({ sessionKey: 'agent:main:cli-approvals' }),
    );
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/^running turns: [1-9]/m);
    expect(status.stdout).toMatch(
      /^ {2}agent:main:cli-approvals run \S+: (awaiting-approval|running), started .*\/workflows\/session%3Aagent%3Amain%3Acli-approvals\//m,
    );
    const allowed = await cli(['approvals', 'allow', approvals[0]!.approvalId]);
    expect(allowed.code).toBe(0);
    const finished = await turn;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('written after the cli allowed it');
    expect(finished.stderr).toContain('[tool write_file]');

    const unknown = await cli(['approvals', 'deny', 'no-such-approval']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND');
  }, 600_000);

  it('message send says what is wrong when no channel can take it', async () => {
    const sent = await cli([
      'message',
      'send',
      '--channel',
      'telegram',
      '--to',
      '42',
      '--text',
      'hi',
    ]);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('no channel named telegram is configured');
    expect((await cli(['message', 'send', '--to', '42'])).code).toBe(2);
  }, 600_000);
});

// These touch only files (and the scripted LLM for onboard's key check): their command
// functions run in this process with captured output; one spawned run each checks the wiring.
function capture(): Output & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    stdout: () => out,
    stderr: () => err,
  };
}

describe('clawdbot config, onboard, completion (no gateway needed)', () => {
  it('config set and unset keep comments; invalid values are refused; schema is JSON Schema', async () => {
    const stateDir = makeStateDir();
    const file = join(stateDir, 'clawdbot.json');
    writeFileSync(
      file,
      '// my settings\n{\n  // the port\n  gateway: { port: 18800 },\n  agent: {\n    id: "main", // who\n  },\n}\n',
    );
    const [spawned, schemaRun] = await Promise.all([
      cli(['config', 'set', 'gateway.port', '19000'], { stateDir }),
      cli(['config', 'schema'], { stateDir: null }),
    ]);
    expect(spawned.code).toBe(0);
    const output = capture();
    expect(runConfigSet('memory.enabled', 'false', { stateDir }, output)).toBe(0);
    expect(runConfigUnset('agent.id', { stateDir }, output)).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('// my settings');
    expect(text).toContain('// the port');
    expect(text).toContain('port: 19000');
    expect(text).not.toContain('"main"');
    const got = capture();
    expect(runConfigGet('gateway.port', { stateDir }, got)).toBe(0);
    expect(got.stdout()).toBe('19000\n');
    const memory = capture();
    runConfigGet('memory', { stateDir, json: true }, memory);
    expect(JSON.parse(memory.stdout())).toMatchObject({ enabled: false });

    const refused = capture();
    expect(runConfigSet('gateway.port', 'high', { stateDir }, refused)).toBe(1);
    expect(refused.stderr()).toContain('gateway.port');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(runConfigValidate({ stateDir }, capture())).toBe(0);
    writeFileSync(file, '{ gateway: { port: "x" } }');
    const invalid = capture();
    expect(runConfigValidate({ stateDir, json: true }, invalid)).toBe(1);
    expect(JSON.parse(invalid.stdout())).toMatchObject({
      valid: false,
      issues: [{ path: ['gateway', 'port'] }],
    });

    const schema = json<{ type: string; properties: Record<string, unknown> }>(schemaRun);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['gateway', 'agent']));
  }, 600_000);

  it('onboard checks the key with a real call and writes clawdbot.json (stdin answers or flags)', async () => {
    const scripted = makeStateDir();
    const asked = capture();
    const code = await runOnboard(
      { stateDir: scripted, baseUrl: llm.anthropicBaseUrl },
      asked,
      Readable.from(['anthropic\nwrong-key\ntest-key\n\nmy-gateway-token\ntelegram\n123:abc\n']),
    );
    expect(asked.stderr()).toContain('refused the key');
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(join(scripted, 'clawdbot.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(written).toMatchObject({
      agent: { model: 'anthropic/claude-sonnet-4-5' },
      providers: { anthropic: { apiKey: 'test-key', baseUrl: llm.anthropicBaseUrl } },
      gateway: { auth: { token: 'my-gateway-token' } },
      channels: { telegram: { botToken: '123:abc' } },
    });

    const flagsDir = makeStateDir();
    const flags = {
      stateDir: flagsDir,
      nonInteractive: true,
      provider: 'openai',
      baseUrl: llm.openaiBaseUrl,
      model: 'fake-model',
    };
    expect(await runOnboard({ ...flags, apiKey: 'nope' }, capture())).toBe(1);
    const right = capture();
    expect(await runOnboard({ ...flags, apiKey: 'test-key', json: true }, right)).toBe(0);
    const onboarded = JSON.parse(right.stdout()) as { model: string; gatewayToken: unknown };
    expect(onboarded.model).toBe('openai/fake-model');
    expect(typeof onboarded.gatewayToken).toBe('string');
    expect(runConfigValidate({ stateDir: flagsDir }, capture())).toBe(0);
    const missing = await cli(['onboard', '--non-interactive'], { stateDir: makeStateDir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--non-interactive needs --api-key');
  }, 600_000);

  it('completion prints scripts bash accepts; an unknown shell is bad usage', async () => {
    const program = buildProgram();
    const bash = capture();
    expect(runCompletion('bash', program, bash)).toBe(0);
    expect(bash.stdout()).toContain('complete -F _clawdbot clawdbot');
    expect(spawnSync('bash', ['-n'], { input: bash.stdout() }).status).toBe(0);
    const completed = spawnSync(
      'bash',
      [
        '-c',
        `${bash.stdout()}\nCOMP_WORDS=(clawdbot cron r); COMP_CWORD=2; _clawdbot; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(completed.stdout.trim().split(' ').sort()).toEqual(['remove', 'run', 'runs']);
    const fish = capture();
    runCompletion('fish', program, fish);
    expect(fish.stdout()).toContain("complete -c clawdbot -n '__fish_use_subcommand' -a agent");
    const zsh = capture();
    runCompletion('zsh', program, zsh);
    expect(zsh.stdout()).toContain('#compdef clawdbot');
    const unknown = await cli(['completion', 'tcsh'], { stateDir: null });
    expect(unknown.code).toBe(2);
  }, 600_000);
});
