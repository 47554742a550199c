import { statusParams, statusResult } from '../../core/protocol/index.js';
import { clawdbotVersion } from '../../core/version.js';
import { describeNodes } from '../nodes/describe.js';
import { defineMethod } from './types.js';

const RECENT_SESSIONS = 10;

/** `status`: version, uptime, connections, model and recent sessions, in one call. */
export const statusMethod = defineMethod({
  method: 'status',
  params: statusParams,
  result: statusResult,
  async handler(_params, { gateway }) {
    const now = Date.now();
    const config = gateway.config();
    // Lists the whole index: fine for an operator's status call, never on the message path.
    const sessions = await gateway.deps.store?.list();
    return {
      ts: now,
      version: clawdbotVersion,
      uptimeMs: now - gateway.startedAt,
      connections: gateway.connectionCount(),
      agentAvailable: gateway.deps.agent !== undefined,
      defaults: { agentId: config.agent.id, model: config.agent.model },
      ...(gateway.nodes === undefined
        ? {}
        : {
            nodes: describeNodes(gateway.nodes).map((node) => ({
              nodeId: node.nodeId,
              ...(node.displayName !== undefined ? { displayName: node.displayName } : {}),
              paired: node.paired,
              connected: node.connected,
              commands: node.commands,
            })),
          }),
      ...(sessions === undefined
        ? {}
        : {
            sessions: {
              count: sessions.length,
              recent: sessions.slice(0, RECENT_SESSIONS).map((entry) => ({
                key: entry.sessionKey,
                updatedAt: entry.updatedAt,
                age: now - entry.updatedAt,
              })),
            },
          }),
    };
  },
});
