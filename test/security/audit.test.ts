// `clawdbot security audit` as a user runs it: a real `clawdbot` process on a state dir.
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/security/audit.js';
import { cleanEnv, makeStateDir, spawnClawdbot } from '../helpers/cli-process.js';

async function audit(stateDir: string, ...flags: string[]) {
  const run = spawnClawdbot(
    ['security', 'audit', '--json', ...flags, '--state-dir', stateDir],
    cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
  );
  const { code } = await run.exited;
  const report = JSON.parse(run.output()) as {
    findings: Finding[];
    fixed: { path: string; from: string; to: string }[];
  };
  return { code, ...report };
}

describe('clawdbot security audit', () => {
  it('flags an open DM policy and a world-readable config; --fix repairs the permissions', async () => {
    const stateDir = makeStateDir({
      channels: {
        telegram: { botToken: '123456:secret-token-value', dmPolicy: 'open', allowFrom: ['*'] },
      },
    });
    const configFile = join(stateDir, 'clawdbot.json');
    chmodSync(configFile, 0o644);

    const before = await audit(stateDir);
    const ids = before.findings.map((finding) => finding.id);
    expect(ids).toContain('channels.dm-open');
    expect(ids).toContain('files.permissions');
    expect(before.findings.find((finding) => finding.id === 'channels.dm-open')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('channels.telegram: dmPolicy "open"') as string,
    });
    expect(before.findings.find((finding) => finding.id === 'files.permissions')).toMatchObject({
      severity: 'warning',
      fixable: true,
      fix: `chmod 600 ${configFile}`,
    });
    expect(before.fixed).toEqual([]);

    const fixed = await audit(stateDir, '--fix');
    expect(fixed.fixed).toEqual([{ path: configFile, from: '644', to: '600' }]);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const after = fixed.findings.map((finding) => finding.id);
    expect(after).not.toContain('files.permissions');
    // Not a safe fix: opening or closing DMs is the owner's decision.
    expect(after).toContain('channels.dm-open');
  }, 120_000);
});
