import { z } from 'zod';
import { ToolError, defineTool } from './tool.js';

const node = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('Node id or display name; omit to use a connected node that offers the command');

// One object per action with only its own fields, under `request` (as the cron tool):
// providers want a plain object at the top of a tool's input schema.
const request = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('status') }).describe('List nodes: paired, connected, commands'),
    z
      .object({
        action: z.literal('describe'),
        node: z.string().min(1).max(200).describe('Node id or name'),
      })
      .describe("One node's details"),
    z.object({ action: z.literal('pending') }).describe('Pair requests waiting for approval'),
    z
      .object({
        action: z.literal('approve'),
        requestId: z.string().min(1).max(200).describe('The request id (or node id) from pending'),
      })
      .describe('Pair a node that asked to be paired'),
    z
      .object({
        action: z.literal('reject'),
        requestId: z.string().min(1).max(200).describe('The request id (or node id) from pending'),
      })
      .describe('Reject a pair request'),
    z
      .object({
        action: z.literal('notify'),
        node,
        title: z.string().max(200).optional().describe('Notification title'),
        body: z.string().min(1).max(4000).describe('Notification text'),
      })
      .describe('Show a notification on a node'),
    z
      .object({
        action: z.literal('run'),
        node,
        command: z
          .array(z.string())
          .min(1)
          .max(200)
          .describe('Program and arguments, e.g. ["uname", "-a"] (no shell)'),
        cwd: z.string().max(4096).optional().describe('Working directory on the node'),
        env: z.record(z.string(), z.string()).optional().describe('Extra environment variables'),
        timeoutMs: z
          .number()
          .int()
          .min(1)
          .max(3_600_000)
          .optional()
          .describe('Kill the command after this long (default 120000)'),
      })
      .describe(
        "Run a command on a node; unless the node's allowlist has it, the owner approves it first",
      ),
    z
      .object({ action: z.literal('camera_snap'), node })
      .describe("Take a photo with a node's camera"),
    z
      .object({
        action: z.literal('screen_record'),
        node,
        durationMs: z
          .number()
          .int()
          .min(500)
          .max(60_000)
          .default(5000)
          .describe('How long to record'),
      })
      .describe("Record a node's screen"),
    z.object({ action: z.literal('location_get'), node }).describe("A node's location"),
  ])
  .describe('What to do');

/** The validated request the nodes tool hands to the gateway. */
export type NodesToolRequest = z.output<typeof request>;

/** nodes: companion devices paired with the gateway (run commands, notify, camera, screen, location). */
export const nodesTool = defineTool({
  name: 'nodes',
  runsIn: 'workflow',
  description:
    'Companion devices (nodes) paired with this assistant: other machines or phones. Actions: status, describe, pending/approve/reject (pair requests), notify, run (a command on a node; the owner approves it unless the node allowlists it), camera_snap, screen_record, location_get. Each goes to a connected node that offers it.',
  inputSchema: z.object({ request }),
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 1, idempotent: false },
  execute() {
    // The turn workflow runs it (its node calls are the gateway's nodes.call activity).
    return Promise.reject(new ToolError('UNAVAILABLE', 'nodes runs inside the turn workflow.'));
  },
});
