import { Context } from '@temporalio/activity';
import type { AgentService } from '../core/agent/agent-service.js';
import { cronFireTimes } from '../core/agent/cron-schedule.js';
import { describeSchedule } from '../workflows/cron-definitions.js';
import type {
  CronFireInput,
  CronFireResult,
  CronJobInfo,
  CronNextFireInput,
  CronNextFireResult,
  CronRun,
  CronToolRequest,
  ToolOutput,
} from '../workflows/types.js';

/** What the cron activities need: the agent runtime, when this worker has a Temporal client. */
export interface CronActivityDeps {
  agent: AgentService | undefined;
}

function where(job: Pick<CronJobInfo, 'target'>): string {
  if ('sessionKey' in job.target) return `in session ${job.target.sessionKey}`;
  return job.target.deliverTo ? `isolated, results to ${job.target.deliverTo}` : 'isolated';
}

function time(ms: number): string {
  return new Date(ms).toISOString();
}

function runLine(run: CronRun): string {
  const span =
    run.missed !== undefined
      ? ` (${run.missed} fire times, ${time(run.scheduledAt)} … ${time(run.lastScheduledAt ?? run.scheduledAt)})`
      : '';
  const head = `- ${time(run.firedAt)} ${run.trigger}${span}: ${run.status}`;
  if (run.status === 'skipped') return `${head} (missed while not running; catch-up is "none")`;
  const detail = run.errorMessage ?? run.text ?? '';
  return `${head}${detail ? ` — ${detail.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
}

/** The cron job activities: cron expression evaluation, firing into a session, and the cron tool's actions. */
export function createCronActivities({ agent }: CronActivityDeps) {
  const requireAgent = () => {
    if (!agent) throw new Error('this worker has no Temporal client to reach cron jobs with');
    return agent;
  };
  return {
    /** Fire times of a cron expression (a local activity of the cronJob workflow). */
    'cron.nextFire'(input: CronNextFireInput): Promise<CronNextFireResult> {
      return Promise.resolve(cronFireTimes(input));
    },

    /**
     * Send a job's message into its session and wait for that turn. The message id is fixed
     * per fire, so a retry after a worker died waits for the same turn instead of starting one.
     */
    async 'cron.fire'(input: CronFireInput): Promise<CronFireResult> {
      const service = requireAgent();
      const context = Context.current();
      // The wait can take minutes (the turn queues behind the user's): heartbeat meanwhile.
      const beat = setInterval(() => context.heartbeat(), 1000);
      try {
        await service.send(input.sessionKey, {
          messageId: input.runId,
          text: input.text,
          channel: 'cron',
          receivedAt: Date.now(),
        });
        const outcome = await Promise.race([
          service.wait(input.runId, input.timeoutMs, input.sessionKey),
          context.cancelled,
        ]);
        return {
          status: outcome.status,
          text: outcome.text ?? '',
          ...(outcome.errorMessage !== undefined ? { errorMessage: outcome.errorMessage } : {}),
        };
      } finally {
        clearInterval(beat);
      }
    },

    /** The cron tool's actions other than add, answered for the model. */
    async 'cron.manage'(input: {
      request: Exclude<CronToolRequest, { action: 'add' }>;
      agentId: string;
      requestId: string;
    }): Promise<ToolOutput> {
      const cron = requireAgent().cron;
      const { request } = input;
      switch (request.action) {
        case 'list': {
          const jobs = await cron.list({ agentId: input.agentId });
          if (jobs.length === 0) return { isError: false, text: 'No cron jobs.' };
          const lines = jobs.map(
            (job) =>
              `- ${job.jobId}${job.name ? ` "${job.name}"` : ''}: ${describeSchedule(job.schedule)}, ${where(job)}, catch-up ${job.catchUp} — ${job.message.slice(0, 120)}`,
          );
          return {
            isError: false,
            text: `${jobs.length} cron job${jobs.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
          };
        }
        case 'remove':
          return (await cron.remove(request.jobId))
            ? { isError: false, text: `Removed cron job ${request.jobId}; it will not fire again.` }
            : {
                isError: true,
                text: `No running cron job ${request.jobId}. Use action "list" to see the jobs.`,
              };
        case 'run':
          return (await cron.run(request.jobId, input.requestId))
            ? {
                isError: false,
                text: `Cron job ${request.jobId} fires now; its run will show in "runs".`,
              }
            : {
                isError: true,
                text: `No running cron job ${request.jobId}. Use action "list" to see the jobs.`,
              };
        case 'runs': {
          const state = await cron.state(request.jobId);
          if (!state) return { isError: true, text: `No cron job ${request.jobId}.` };
          const next = state.removed
            ? 'removed'
            : state.nextFireAt !== undefined
              ? `next fire ${time(state.nextFireAt)}`
              : 'no further fires';
          const runs = state.runs.slice(-request.limit).reverse().map(runLine);
          const running = state.running
            ? `\nRunning now since ${time(state.running.startedAt)}.`
            : '';
          return {
            isError: false,
            text: `Cron job ${state.jobId}${state.name ? ` "${state.name}"` : ''}: ${describeSchedule(state.schedule)}, ${where(state)}; ${next}; fired ${state.fires} times.${running}\n${runs.length > 0 ? `Recent runs, newest first:\n${runs.join('\n')}` : 'No runs yet.'}`,
          };
        }
      }
    },
  };
}
