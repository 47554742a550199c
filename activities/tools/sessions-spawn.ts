import { z } from 'zod';
import { ToolError, defineTool } from './tool.js';

/** sessions_spawn: a sub-agent in a session of its own, as a child workflow of the turn. */
export const sessionsSpawnTool = defineTool({
  name: 'sessions_spawn',
  runsIn: 'workflow',
  description:
    'Start a sub-agent in a new session of its own to work on a task in the background. Returns at once with the sub-agent’s session key; when it finishes, its result arrives in this session as a message. Use sessions_list to see running sub-agents.',
  inputSchema: z.object({
    task: z.string().min(1).describe('What the sub-agent should do, with all the context it needs'),
    label: z.string().max(80).optional().describe('A short name for the sub-agent'),
  }),
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  execute() {
    // The turn workflow starts the child itself; this activity path is never scheduled.
    return Promise.reject(
      new ToolError('UNAVAILABLE', 'sessions_spawn runs inside the turn workflow.'),
    );
  },
});
