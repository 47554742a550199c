import { z } from 'zod';
import { cronScheduleSchema } from '../../core/agent/cron-schedule.js';
import type { CronToolRequest } from '../../workflows/types.js';
import { ToolError, defineTool } from './tool.js';

const jobId = z.string().min(1).max(100).describe('The job id, as add or list reported it');

// One object per action, each with only its own fields. They sit under `request` because
// both Anthropic and OpenAI want a tool's input schema to be a plain object at the top.
const request = z
  .discriminatedUnion('action', [
    z
      .object({
        action: z.literal('add'),
        name: z
          .string()
          .min(1)
          .max(80)
          .optional()
          .describe('A short name for the job, shown by list'),
        schedule: cronScheduleSchema.describe('When the job fires: kind "cron", "every" or "at"'),
        message: z
          .string()
          .min(1)
          .max(4000)
          .describe(
            'What you will be told to do each time it fires, with all the context you will need then',
          ),
        session: z
          .enum(['current', 'isolated'])
          .default('current')
          .describe(
            '"current": run in this conversation; "isolated": run in a session of its own and report each result here',
          ),
        catchUp: z
          .enum(['one', 'none'])
          .default('one')
          .describe(
            'Fire times missed while ClawdBot was down: "one" runs once on restart, "none" skips them',
          ),
      })
      .describe('Add a job'),
    z.object({ action: z.literal('list') }).describe('List the jobs'),
    z.object({ action: z.literal('remove'), jobId }).describe('Remove a job: it never fires again'),
    z.object({ action: z.literal('run'), jobId }).describe('Fire a job now, besides its schedule'),
    z
      .object({
        action: z.literal('runs'),
        jobId,
        limit: z.number().int().min(1).max(50).default(10).describe('How many recent runs to show'),
      })
      .describe('Show a job’s next fire time and recent runs'),
  ])
  .describe('What to do');

// The workflow handler reads the validated request as CronToolRequest: keep the two in step.
type Holds<T extends true> = T;
type _ValidatedIsCronToolRequest = Holds<
  z.output<typeof request> extends CronToolRequest ? true : false
>;

/** cron: scheduled jobs, each a durable workflow that runs a turn at its fire times. */
export const cronTool = defineTool({
  name: 'cron',
  runsIn: 'workflow',
  description:
    'Schedule work for later: a job sends you its message at fire times (a cron expression with a time zone, a fixed interval, or once), in this conversation or in a session of its own. Jobs survive restarts. Actions: add, list, remove, run (fire now), runs (recent runs).',
  inputSchema: z.object({ request }),
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  execute() {
    // The turn workflow runs it itself (tools.validate checks the arguments); this activity path is never scheduled.
    return Promise.reject(new ToolError('UNAVAILABLE', 'cron runs inside the turn workflow.'));
  },
});
