/**
 * `clawdbot security audit`: what this set-up exposes, each finding with a severity and
 * its fix. Reads config and the state dir only; `--fix` applies the safe fixes
 * (permissions) through fixPermissions.
 */
import { readdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { StatePaths } from '../paths.js';
import { loosePermissions, octal } from './file-permissions.js';
import { sandboxProblem } from './sandbox.js';
import { decideTurnAccess, type MessageSubject, type TurnAccess } from './turn-access.js';

/** How bad a finding is. */
export type Severity = 'critical' | 'warning' | 'info';

/** One thing the audit found. */
export interface Finding {
  /** Stable id, e.g. `channels.dm-open`. */
  id: string;
  severity: Severity;
  message: string;
  fix?: string;
  /** `security audit --fix` repairs it. */
  fixable?: boolean;
}

/** What the audit reads. */
export interface AuditInput {
  config: Config;
  paths: StatePaths;
  /** Tool names of the registry (the audit says which sessions get a shell). */
  toolNames: readonly string[];
  /** The process's uid (root weakens the sandbox's process limit). */
  uid?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each channel account's raw section (the channel's top level overridden per account). */
function channelAccounts(config: Config) {
  return Object.entries(config.channels).flatMap(([channel, section]) => {
    const { accounts, ...top } = section;
    const own = isObject(accounts) && Object.keys(accounts).length > 0 ? accounts : { default: {} };
    return Object.entries(own).map(([accountId, values]) => ({
      channel,
      accountId,
      options: { ...top, ...(isObject(values) ? values : {}) },
    }));
  });
}

function gatewayFindings(config: Config): Finding[] {
  const auth = config.gateway.auth.token ?? config.gateway.auth.password;
  if (LOOPBACK.has(config.gateway.bind)) {
    return auth
      ? []
      : [
          {
            id: 'gateway.no-auth',
            severity: 'info',
            message: `The gateway listens on ${config.gateway.bind} without auth: every local process and user can drive the agent.`,
            fix: 'Set gateway.auth.token (or CLAWDBOT_GATEWAY_TOKEN).',
          },
        ];
  }
  return [
    {
      id: 'gateway.exposed',
      severity: auth ? 'warning' : 'critical',
      message: `The gateway listens on ${config.gateway.bind}, reachable from other machines${auth ? '' : ' and without auth'}.`,
      fix: 'Bind to 127.0.0.1 and reach it through an SSH tunnel or Tailscale, or keep a long gateway.auth.token.',
    },
  ];
}

function describeShell(access: TurnAccess): string | undefined {
  if (!access.allowed.includes('bash')) return undefined;
  return access.sandbox ? 'a sandboxed shell' : 'a shell on this host';
}

function channelFindings(config: Config, toolNames: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const accounts = channelAccounts(config);
  for (const { channel, accountId, options } of accounts) {
    const where = `channels.${channel}${accountId === 'default' ? '' : `.accounts.${accountId}`}`;
    if (options.dmPolicy === 'open') {
      findings.push({
        id: 'channels.dm-open',
        severity: 'warning',
        message: `${where}: dmPolicy "open" — anyone on ${channel} can message the assistant.`,
        fix: `Use dmPolicy "pairing" (the default) or "allowlist" in ${where}.`,
      });
    }
    if (options.groupPolicy === 'open') {
      findings.push({
        id: 'channels.groups-open',
        severity: 'warning',
        message: `${where}: groupPolicy "open" — any group that adds the bot can talk to it.`,
        fix: `Use groupPolicy "allowlist" and list the groups under ${where}.groups.`,
      });
    }
    const subjects: [string, MessageSubject][] = [
      ['direct messages from others', { channel, accountId, chatType: 'direct', chatId: 'x' }],
      ['groups', { channel, accountId, chatType: 'group', chatId: '*' }],
    ];
    for (const [label, subject] of subjects) {
      const access = decideTurnAccess({
        config,
        sessionKey: `agent:${config.agent.id}:audit`,
        subjects: [subject],
        toolNames,
        sandboxProblem: () => sandboxProblem(config.sandbox),
      });
      const shell = describeShell(access);
      if (shell === undefined) continue;
      findings.push({
        id: 'sessions.stranger-shell',
        severity: access.sandbox ? 'warning' : 'critical',
        message: `${where}: ${label} get ${shell} (tool profile ${access.profile}).`,
        fix: 'Leave sessions that are not yours on the messaging profile, or keep sandbox.mode "non-main".',
      });
    }
  }
  if (accounts.length > 0 && config.security.owners.length === 0) {
    findings.push({
      id: 'security.no-owners',
      severity: 'info',
      message:
        'No security.owners: every channel direct message, yours included, gets the messaging profile.',
      fix: 'Add your ids as "<channel>:<id>" to security.owners.',
    });
  }
  return findings;
}

function sandboxFindings(config: Config, uid: number | undefined): Finding[] {
  const findings: Finding[] = [];
  if (config.sandbox.mode === 'off') {
    findings.push({
      id: 'sandbox.off',
      severity: 'warning',
      message: 'sandbox.mode "off": a session allowed a shell runs it with your full rights.',
      fix: 'Set sandbox.mode to "non-main" (the default) or "all".',
    });
  } else {
    const problem = sandboxProblem(config.sandbox);
    if (problem !== undefined)
      findings.push({
        id: 'sandbox.missing',
        severity: 'warning',
        message: `Sandboxed sessions have no shell: ${problem}.`,
        fix: 'apt-get install bubblewrap (or set sandbox.bubblewrapPath).',
      });
    if (uid === 0)
      findings.push({
        id: 'sandbox.root',
        severity: 'info',
        message: 'Running as root: Linux does not enforce sandbox.limits.processes for root.',
        fix: 'Run ClawdBot as an ordinary user.',
      });
  }
  return findings;
}

function fileFindings(paths: StatePaths): Finding[] {
  return loosePermissions(paths).map((entry) => ({
    id: 'files.permissions',
    severity: 'warning' as const,
    message: `${entry.path} is readable by other users (mode ${octal(entry.mode)}); it holds secrets.`,
    fix: `chmod ${octal(entry.expected)} ${entry.path}`,
    fixable: true,
  }));
}

function pluginFindings(paths: StatePaths): Finding[] {
  let names: string[];
  try {
    names = readdirSync(paths.extensionsDir);
  } catch {
    return [];
  }
  return names.map((name) => ({
    id: 'plugins.user-installed',
    severity: 'info' as const,
    message: `Plugin "${name}" is installed by you (${paths.extensionsDir}/${name}): it runs with the gateway's rights.`,
    fix: 'Remove plugins you do not use or trust.',
  }));
}

function approvalFindings(config: Config): Finding[] {
  const { tools, bashPatterns } = config.approvals;
  if (tools.length > 0 || bashPatterns.length > 0) return [];
  return [
    {
      id: 'approvals.none',
      severity: 'info',
      message: 'No approvals configured: allowed tool calls run without asking.',
      fix: 'List risky tools in approvals.tools, or commands in approvals.bashPatterns.',
    },
  ];
}

/** Run every check. */
export function auditSecurity(input: AuditInput): Finding[] {
  const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
  return [
    ...gatewayFindings(input.config),
    ...channelFindings(input.config, input.toolNames),
    ...sandboxFindings(input.config, input.uid),
    ...fileFindings(input.paths),
    ...pluginFindings(input.paths),
    ...approvalFindings(input.config),
  ].sort((a, b) => order[a.severity] - order[b.severity]);
}

/** What /health reports: `warnings` when anything is critical or a warning. */
export function securityStatus(findings: readonly Finding[]): 'ok' | 'warnings' {
  return findings.some((finding) => finding.severity !== 'info') ? 'warnings' : 'ok';
}
