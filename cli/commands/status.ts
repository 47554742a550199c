import type { ComponentHealth, HealthReport } from '../../core/health.js';
import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';

interface StatusPayload {
  version: string;
  uptimeMs: number;
  connections: number;
  defaults?: { agentId: string; model: string };
  sessions?: { count: number; recent: { key: string; age: number }[] };
}

interface ChannelAccount {
  channel: string;
  accountId: string;
  running?: boolean;
  connected?: boolean;
  lastError?: string;
}

/** A turn as `runs.list` reports it (only what status prints). */
interface RunRow {
  runId: string;
  sessionKey: string;
  state: string;
  startedAt: number;
  temporalUrl: string;
}

const RUNNING_STATES = new Set(['running', 'awaiting-approval']);

function component(name: string, health: ComponentHealth): string {
  const extra = Object.entries(health)
    .filter(([key, value]) => key !== 'status' && ['string', 'number'].includes(typeof value))
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  return `${name}: ${health.status}${extra ? ` (${extra})` : ''}`;
}

function ago(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m ago`;
  return `${Math.round(ms / 3_600_000)}h ago`;
}

/**
 * `clawdbot status`: gateway, Temporal, worker, channels, running turns, waiting approvals
 * and recent sessions, from the running gateway (`status`, `health`, `channels.status`,
 * `runs.list`, `exec.approval.list`). Exit code 1 when the health report is not ok.
 */
export async function runStatus(
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const [status, health, channels, approvals, runs] = await Promise.all([
      gateway.request('status') as Promise<StatusPayload>,
      gateway.request('health') as Promise<HealthReport>,
      (gateway.request('channels.status') as Promise<{ accounts: ChannelAccount[] }>).catch(() => ({
        accounts: [] as ChannelAccount[],
      })),
      (gateway.request('exec.approval.list') as Promise<{ approvals: unknown[] }>).catch(() => ({
        approvals: [] as unknown[],
      })),
      // An older gateway has no runs.list: status still answers, without running turns.
      (gateway.request('runs.list', { limit: 100 }) as Promise<{ runs: RunRow[] }>).catch(() => ({
        runs: [] as RunRow[],
      })),
    ]);
    const running = runs.runs.filter((run) => RUNNING_STATES.has(run.state));
    if (flags.json) {
      printJson(output, {
        ok: health.ok,
        status,
        health,
        channels: channels.accounts,
        pendingApprovals: approvals.approvals.length,
        runningTurns: running,
      });
      return health.ok ? 0 : 1;
    }
    const lines = [
      `clawdbot ${status.version}: ${health.ok ? 'healthy' : 'NOT healthy'}, up ${Math.round(status.uptimeMs / 1000)}s, ${status.connections} client(s) connected`,
      component('gateway', health.gateway),
      component('temporal', health.temporal),
      component('worker', health.worker),
      ...(status.defaults
        ? [`agent: ${status.defaults.agentId}, model ${status.defaults.model}`]
        : []),
      `channels: ${channels.accounts.length === 0 ? 'none' : ''}`,
      ...channels.accounts.map(
        (account) =>
          `  ${account.channel}/${account.accountId}: ${account.connected ? 'connected' : account.running ? 'running' : 'stopped'}` +
          (account.lastError ? ` (last error: ${account.lastError})` : ''),
      ),
      `running turns: ${running.length}`,
      ...running.map(
        (run) =>
          `  ${run.sessionKey} run ${run.runId}: ${run.state}, started ${ago(Date.now() - run.startedAt)} (${run.temporalUrl})`,
      ),
      `approvals waiting: ${approvals.approvals.length}` +
        (approvals.approvals.length > 0 ? ' (see `clawdbot approvals list`)' : ''),
      `sessions: ${status.sessions?.count ?? 0}`,
      ...(status.sessions?.recent ?? [])
        .slice(0, 5)
        .map((session) => `  ${session.key} (${ago(session.age)})`),
    ];
    output.out(`${lines.join('\n')}\n`);
    return health.ok ? 0 : 1;
  });
}

/** `clawdbot health`: the gateway's health probe; exit code 1 when not ok. */
export async function runHealth(
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const health = (await gateway.request('health')) as HealthReport;
    if (flags.json) printJson(output, health);
    else
      output.out(
        [
          health.ok ? 'ok' : 'NOT ok',
          component('gateway', health.gateway),
          component('temporal', health.temporal),
          component('worker', health.worker),
        ].join('\n') + '\n',
      );
    return health.ok ? 0 : 1;
  });
}
