import { sessionsListParams, sessionsListResult } from '../../core/protocol/index.js';
import { parseSessionKey, type SessionIndexEntry } from '../../core/sessions/index.js';
import { requireSessions } from './deps.js';
import { defineMethod } from './types.js';

const DEFAULT_LIMIT = 500;
const GROUP_MARKERS = [':group:', ':channel:'];

function row(entry: SessionIndexEntry) {
  const { rest } = parseSessionKey(entry.sessionKey);
  return {
    key: entry.sessionKey,
    kind: GROUP_MARKERS.some((marker) => `:${rest}`.includes(marker))
      ? ('group' as const)
      : ('direct' as const),
    sessionId: entry.sessionId,
    updatedAt: entry.updatedAt,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    totalTokens: entry.totalTokens,
    // ClawdBot extension: the latest turn's prompt-cache reads and writes.
    ...(entry.cacheReadTokens === undefined ? {} : { cacheReadTokens: entry.cacheReadTokens }),
    ...(entry.cacheWriteTokens === undefined ? {} : { cacheWriteTokens: entry.cacheWriteTokens }),
    ...(entry.label === undefined ? {} : { label: entry.label, displayName: entry.label }),
    ...(entry.channel === undefined ? {} : { channel: entry.channel }),
    ...(entry.messageCount === undefined ? {} : { messageCount: entry.messageCount }),
    // ClawdBot extension (a cluster): the host whose workspace the session uses.
    ...(entry.host === undefined ? {} : { host: entry.host }),
  };
}

/** `sessions.list`: session records, newest first, filtered like OpenClaw's. */
export const sessionsListMethod = defineMethod({
  method: 'sessions.list',
  params: sessionsListParams,
  result: sessionsListResult,
  async handler(params, context) {
    const store = requireSessions(context);
    const entries = await store.list(
      params.activeMinutes === undefined ? {} : { activeMinutes: params.activeMinutes },
    );
    const search = params.search?.toLowerCase();
    const rows = entries
      .filter((entry) => params.label === undefined || entry.label === params.label)
      .filter(
        (entry) =>
          params.agentId === undefined ||
          parseSessionKey(entry.sessionKey).agentId === params.agentId,
      )
      .filter(
        (entry) =>
          search === undefined ||
          entry.sessionKey.toLowerCase().includes(search) ||
          (entry.label?.toLowerCase().includes(search) ?? false),
      )
      .slice(0, params.limit ?? DEFAULT_LIMIT)
      .map(row);
    const { agent } = context.gateway.config();
    return {
      ts: Date.now(),
      path: store.location,
      count: rows.length,
      defaults: { model: agent.model },
      sessions: rows,
    };
  },
});
