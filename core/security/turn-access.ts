/**
 * What one turn may do: decided once, when the turn starts (in the activity that prepares
 * it, so the decision is in the workflow's history and replays identically), from who
 * sent the turn's messages and the config in force then.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { toolGroups } from './tool-groups.js';
import {
  matchesAny,
  resolveToolPolicy,
  toolPolicyLayerSchema,
  type ToolPolicyLayer,
} from './tool-policy.js';
import type { ToolProfile } from './tool-groups.js';

/** Who sent a message from a messaging channel, as far as the policy needs it. */
export interface MessageSubject {
  channel: string;
  accountId: string;
  chatType: 'direct' | 'group' | 'channel';
  chatId: string;
  senderId?: string;
}

/** Which sessions the sessions_* tools may reach. */
export type SessionVisibility = 'own' | 'agent' | 'all';

/** A turn's access, recorded in its history. */
export interface TurnAccess {
  /** `owner`: the configured owner (or an authenticated gateway client); `other`: anyone else. */
  trust: 'owner' | 'other';
  profile: ToolProfile;
  /** The tools the model is offered and may call; any other call is refused. */
  allowed: string[];
  /** Registered tools this turn may not use (told apart from names that are no tool at all). */
  denied: string[];
  visibility: SessionVisibility;
  /**
   * Set when shell tools run in the sandbox. A stranger's session works in a workspace of
   * its own (`<stateDir>/sandboxes/<workspaceId>`); the owner's keeps the agent workspace.
   */
  sandbox?: { workspaceId?: string; network: boolean };
  /** Why this sandboxed turn has no shell (the backend is missing). */
  shellUnavailable?: string;
  /** One line for refusals and the system prompt: whose session and which profile. */
  summary: string;
}

/** What deciding a turn's access reads. */
export interface AccessRequest {
  config: Config;
  sessionKey: string;
  /** The subjects of the turn's messages; undefined for a gateway client's own message. */
  subjects: (MessageSubject | undefined)[];
  toolNames: readonly string[];
  /** Why the sandbox cannot run here, or undefined when it can (checked only when needed). */
  sandboxProblem: () => string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function layer(value: unknown): ToolPolicyLayer | undefined {
  const parsed = toolPolicyLayerSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function pick(record: unknown, key: string | undefined): unknown {
  if (key === undefined || !isObject(record)) return undefined;
  return record[key] ?? record[key.toLowerCase()];
}

/** channels.<id> as the account sees it: the section overridden by its accounts.<id>. */
function accountSection(config: Config, subject: MessageSubject): Record<string, unknown> {
  const section = config.channels[subject.channel] ?? {};
  const { accounts, ...top } = section;
  const own = pick(accounts, subject.accountId);
  return { ...top, ...(isObject(own) ? own : {}) };
}

/** The channel, group and sender layers for one message. */
function channelLayers(config: Config, subject: MessageSubject): (ToolPolicyLayer | undefined)[] {
  const account = accountSection(config, subject);
  if (subject.chatType === 'direct') {
    return [layer(account.tools), layer(pick(account.toolsBySender, subject.senderId))];
  }
  const groups = account.groups;
  const group = pick(groups, subject.chatId) ?? pick(groups, '*');
  const groupRecord = isObject(group) ? group : {};
  return [
    layer(account.tools),
    layer(groupRecord.tools),
    layer(pick(groupRecord.toolsBySender, subject.senderId)),
  ];
}

/** Whether a message comes from the owner: a gateway client, or an owner's direct message. */
export function isOwner(config: Config, subject: MessageSubject | undefined): boolean {
  if (subject === undefined) return true;
  if (subject.chatType !== 'direct' || subject.senderId === undefined) return false;
  const id = `${subject.channel}:${subject.senderId}`.toLowerCase();
  return config.security.owners.some((owner) => owner.toLowerCase() === id);
}

function describe(subject: MessageSubject | undefined, owner: boolean): string {
  if (subject === undefined) return "the owner's session";
  const where =
    subject.chatType === 'direct'
      ? `a direct message on ${subject.channel} from ${subject.senderId ?? 'an unknown sender'}`
      : `${subject.channel} ${subject.chatType} ${subject.chatId}`;
  return owner ? `the owner's ${where}` : `a session that is not the owner's (${where})`;
}

/** The directory a turn's file and shell tools work in. */
export function turnWorkspace(
  access: TurnAccess | undefined,
  dirs: { workspaceDir: string; sandboxesDir: string },
): string {
  const id = access?.sandbox?.workspaceId;
  return id === undefined ? dirs.workspaceDir : join(dirs.sandboxesDir, id);
}

/** A directory name for a session's sandbox workspace: readable, and unique by hash. */
export function sandboxWorkspaceId(sessionKey: string): string {
  const readable = sessionKey.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(sessionKey).digest('hex').slice(0, 12);
  return `${readable}-${hash}`;
}

/**
 * Decide a turn's access. A turn with messages from several senders gets what the least
 * trusted of them would get: the allowed tools of all of them intersected.
 */
export function decideTurnAccess(request: AccessRequest): TurnAccess {
  const { config } = request;
  const subjects = request.subjects.length > 0 ? request.subjects : [undefined];
  const global = config.tools;
  const agentLayer = config.agent.tools;
  const decisions = subjects.map((subject) => {
    const owner = isOwner(config, subject);
    // The global and agent profiles describe the owner's sessions; a stranger's session
    // starts from messaging, raised only by its channel, group or sender layer.
    const base: (ToolPolicyLayer | undefined)[] = owner
      ? [{ profile: global.profile, allow: global.allow, deny: global.deny }, agentLayer]
      : [
          { allow: global.allow, deny: global.deny },
          agentLayer && { allow: agentLayer.allow, deny: agentLayer.deny },
        ];
    const layers = [...base, ...(subject ? channelLayers(config, subject) : [])];
    const resolved = resolveToolPolicy(request.toolNames, layers, owner ? 'full' : 'messaging');
    return { subject, owner, resolved };
  });
  const allowed = decisions.reduce<string[]>(
    (names, { resolved }) => names.filter((name) => resolved.allowed.includes(name)),
    [...request.toolNames],
  );
  const stranger = decisions.find((decision) => !decision.owner);
  const main = stranger ?? decisions[0]!;
  const trust: TurnAccess['trust'] = stranger ? 'other' : 'owner';
  const profile = main.resolved.profile;
  const mode = config.sandbox.mode;
  const sandboxed = mode === 'all' || (mode === 'non-main' && trust === 'other');
  let shellUnavailable: string | undefined;
  let finalAllowed = allowed;
  if (sandboxed && finalAllowed.some((name) => matchesAny(name, toolGroups.runtime ?? []))) {
    shellUnavailable = request.sandboxProblem();
    if (shellUnavailable !== undefined)
      finalAllowed = finalAllowed.filter((name) => !matchesAny(name, ['group:runtime']));
  }
  const summary =
    `${describe(main.subject, main.owner)}: tool profile ${profile}` +
    (sandboxed ? ', shell sandboxed' : '');
  return {
    trust,
    profile,
    allowed: finalAllowed,
    denied: request.toolNames.filter((name) => !finalAllowed.includes(name)),
    visibility: trust === 'owner' ? (global.sessions.visibility ?? 'all') : 'own',
    ...(sandboxed
      ? {
          sandbox: {
            ...(trust === 'other' ? { workspaceId: sandboxWorkspaceId(request.sessionKey) } : {}),
            network: config.sandbox.network,
          },
        }
      : {}),
    ...(shellUnavailable !== undefined ? { shellUnavailable } : {}),
    summary,
  };
}
