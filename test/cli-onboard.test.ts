// `clawdbot onboard` setting up each built-in channel as the first one, as a person runs
// it: a child `clawdbot` process with flags (non-interactive) or with its answers piped to
// stdin. What counts is the clawdbot.json it leaves (or does not leave) behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { cleanEnv, makeStateDir } from './helpers/cli-process.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function onboard(stateDir: string, args: string[], input = ''): Promise<Run> {
  const child = spawn(
    process.execPath,
    [join(packageRoot, 'bin', 'clawdbot.js'), 'onboard', '--state-dir', stateDir, ...args],
    { cwd: packageRoot, env: cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }), stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

function writtenConfig(stateDir: string): { channels?: Record<string, Record<string, unknown>> } {
  return JSON5.parse(readFileSync(join(stateDir, 'clawdbot.json'), 'utf8'));
}

// Valid credentials per channel, in the shapes the config schema demands.
const credentials: Record<string, Record<string, string>> = {
  telegram: { botToken: '123:abc' },
  discord: { token: 'discord-token' },
  slack: { botToken: 'xoxb-1', appToken: 'xapp-1' },
  matrix: {
    homeserver: 'https://matrix.example.org',
    userId: '@bot:example.org',
    accessToken: 'syt_token',
  },
  mattermost: { baseUrl: 'https://chat.example.com', botToken: 'mm-token' },
  line: { channelAccessToken: 'line-access', channelSecret: 'line-secret' },
};

const base = ['--provider', 'openai', '--api-key', 'sk-test', '--skip-check'];

describe('clawdbot onboard, first channel', () => {
  it('writes every built-in channel with its credential fields from --channel-field flags', async () => {
    for (const [channel, fields] of Object.entries(credentials)) {
      const stateDir = makeStateDir();
      const run = await onboard(stateDir, [
        '--non-interactive',
        ...base,
        '--channel',
        channel,
        ...Object.entries(fields).flatMap(([key, value]) => ['--channel-field', `${key}=${value}`]),
      ]);
      expect(run.stderr, channel).toBe('');
      expect(run.code, channel).toBe(0);
      expect(writtenConfig(stateDir).channels).toEqual({ [channel]: fields });
    }
  }, 300_000);

  it('refuses missing or unknown fields and values the schema rejects, writing nothing', async () => {
    const stateDir = makeStateDir();
    const missing = await onboard(stateDir, [
      '--non-interactive',
      ...base,
      '--channel',
      'slack',
      '--channel-token',
      'xoxb-1',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--channel-field appToken=...');

    const unknown = await onboard(stateDir, [
      '--non-interactive',
      ...base,
      '--channel',
      'line',
      '--channel-field',
      'secret=x',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('line has no field secret');

    const invalid = await onboard(stateDir, [
      '--non-interactive',
      ...base,
      '--channel',
      'matrix',
      '--channel-field',
      'homeserver=https://matrix.example.org',
      '--channel-field',
      'userId=bot',
      '--channel-field',
      'accessToken=t',
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(
      'channels.matrix: userId: a Matrix user id like @bot:example.org',
    );
    expect(invalid.stderr).toContain('nothing written');
    expect(existsSync(join(stateDir, 'clawdbot.json'))).toBe(false);
  }, 300_000);

  it('asks for each field of the chosen channel when answers come through stdin', async () => {
    const stateDir = makeStateDir();
    // provider, key, model (default), gateway token (default), channel, its three fields.
    const answers = [
      'openai',
      'sk-test',
      '',
      '',
      'matrix',
      'https://matrix.example.org',
      '@bot:example.org',
      'syt_token',
    ];
    const run = await onboard(stateDir, ['--skip-check'], answers.join('\n') + '\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'First channel (telegram/discord/slack/matrix/mattermost/line/none)',
    );
    expect(run.stdout).toContain('Matrix homeserver URL');
    expect(run.stdout).toContain('Matrix bot user id');
    expect(run.stdout).toContain('Matrix access token');
    expect(writtenConfig(stateDir).channels).toEqual({ matrix: credentials.matrix });
  }, 300_000);

  it('lists the channels and their fields in --help', async () => {
    const run = await onboard(makeStateDir(), ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--channel-field <key=value>');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('mattermost: baseUrl, botToken');
  }, 300_000);
});
