/**
 * OpenClaw's tool groups and profiles, in ClawdBot's tool names. Members are patterns
 * (`*` wildcards) so tools added later under a family name (memory_*) join their group
 * without a change here.
 */

/** The profile names of `tools.profile`. */
export const toolProfiles = ['minimal', 'coding', 'messaging', 'full'] as const;
/** A tool profile: a base set of tools before allow/deny. */
export type ToolProfile = (typeof toolProfiles)[number];

/** `group:<name>` → the tool name patterns it stands for. */
export const toolGroups: Readonly<Record<string, readonly string[]>> = {
  fs: ['read_file', 'write_file', 'edit_file', 'apply_patch'],
  runtime: ['bash', 'exec', 'process'],
  web: ['web_fetch', 'web_search'],
  sessions: [
    'sessions_list',
    'sessions_history',
    'sessions_send',
    'sessions_spawn',
    'session_status',
  ],
  memory: ['memory_*'],
  messaging: ['message'],
  ui: ['browser', 'canvas'],
  automation: ['cron', 'gateway'],
  nodes: ['nodes'],
};

/**
 * Each profile's patterns. `messaging` is what a stranger's session gets: talk, and reach
 * its own session's history; no shell, no files, no cron, no spawning.
 */
export const profilePatterns: Readonly<Record<ToolProfile, readonly string[]>> = {
  minimal: ['session_status'],
  coding: ['group:fs', 'group:runtime', 'group:sessions', 'group:memory', 'image'],
  messaging: [
    'group:messaging',
    'sessions_list',
    'sessions_history',
    'sessions_send',
    'session_status',
  ],
  full: ['*'],
};
