import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../config/schema.js';
import { decideTurnAccess, type MessageSubject } from './turn-access.js';
import { resolveToolPolicy } from './tool-policy.js';

const toolNames = [
  'read_file',
  'write_file',
  'bash',
  'process',
  'web_fetch',
  'sessions_list',
  'sessions_history',
  'sessions_send',
  'sessions_spawn',
  'cron',
  'memory_search',
];

function access(config: ConfigInput, subjects: (MessageSubject | undefined)[], problem?: string) {
  return decideTurnAccess({
    config: configSchema.parse(config),
    sessionKey: 'agent:main:test',
    subjects,
    toolNames,
    sandboxProblem: () => problem,
  });
}

const group: MessageSubject = {
  channel: 'telegram',
  accountId: 'default',
  chatType: 'group',
  chatId: '-100',
  senderId: '42',
};
const dm = (senderId: string): MessageSubject => ({
  channel: 'telegram',
  accountId: 'default',
  chatType: 'direct',
  chatId: senderId,
  senderId,
});

describe('tool policy resolution', () => {
  it('profiles, then allow adds and deny removes; deny wins; wildcards and groups', () => {
    expect(resolveToolPolicy(toolNames, [], 'coding').allowed).toEqual([
      'read_file',
      'write_file',
      'bash',
      'process',
      'sessions_list',
      'sessions_history',
      'sessions_send',
      'sessions_spawn',
      'memory_search',
    ]);
    const layered = resolveToolPolicy(
      toolNames,
      [
        { allow: ['group:web', 'cron'] },
        { deny: ['sessions_*', 'group:runtime'], allow: ['bash'] },
      ],
      'messaging',
    );
    expect(layered.allowed).toEqual(['web_fetch', 'cron']);
    expect(resolveToolPolicy(toolNames, [{ deny: ['*'] }], 'full').allowed).toEqual([]);
    // The most specific layer naming a profile sets the base.
    expect(
      resolveToolPolicy(toolNames, [{ profile: 'full' }, { profile: 'minimal' }], 'full').allowed,
    ).toEqual([]);
  });
});

describe('turn access', () => {
  it("the owner's gateway session gets everything, unsandboxed under non-main", () => {
    const decided = access({}, [undefined]);
    expect(decided).toMatchObject({ trust: 'owner', profile: 'full', visibility: 'all' });
    expect(decided.allowed).toEqual(toolNames);
    expect(decided.sandbox).toBeUndefined();
  });

  it('groups and strangers get messaging in a sandbox of their own; owners by id get full', () => {
    const config: ConfigInput = { security: { owners: ['telegram:7'] } };
    const inGroup = access(config, [group]);
    expect(inGroup).toMatchObject({ trust: 'other', profile: 'messaging', visibility: 'own' });
    expect(inGroup.allowed).toEqual(['sessions_list', 'sessions_history', 'sessions_send']);
    expect(inGroup.sandbox?.workspaceId).toMatch(/^agent_main_test-[0-9a-f]{12}$/);
    expect(access(config, [dm('9')]).trust).toBe('other');
    expect(access(config, [dm('7')])).toMatchObject({ trust: 'owner', profile: 'full' });
    // A turn with the owner's and a stranger's message gets what the stranger gets.
    expect(access(config, [dm('7'), dm('9')]).allowed).toEqual(inGroup.allowed);
  });

  it('channel, group and sender layers raise or lower a stranger session; the global profile does not', () => {
    const config: ConfigInput = {
      tools: { profile: 'coding' },
      channels: {
        telegram: {
          groups: {
            '-100': {
              tools: { profile: 'coding', deny: ['process'] },
              toolsBySender: { '42': { deny: ['bash'] } },
            },
          },
        },
      },
    };
    expect(access(config, [group]).allowed).toEqual([
      'read_file',
      'write_file',
      'sessions_list',
      'sessions_history',
      'sessions_send',
      'sessions_spawn',
      'memory_search',
    ]);
    expect(access(config, [dm('9')]).profile).toBe('messaging');
  });

  it('a sandboxed turn without its backend has no shell tools, and says why', () => {
    const decided = access(
      { sandbox: { mode: 'all' } },
      [undefined],
      'bubblewrap is not installed',
    );
    expect(decided.allowed).not.toContain('bash');
    expect(decided.allowed).not.toContain('process');
    expect(decided.denied).toEqual(['bash', 'process']);
    expect(decided.shellUnavailable).toBe('bubblewrap is not installed');
    // The owner's sandbox works in the agent workspace, not a sandbox workspace of its own.
    expect(decided.sandbox).toEqual({ network: false });
  });
});
