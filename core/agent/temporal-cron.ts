import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ClawdbotError } from '../errors.js';
import type { Config } from '../config/schema.js';
import {
  cronJobInfo,
  cronJobStartOptions,
  cronRemoveSignal,
  cronRunNowSignal,
  cronStateQuery,
  cronWorkflowId,
} from '../../workflows/cron-definitions.js';
import { agentIdAttribute } from '../../workflows/search-attributes.js';
import type { CronJobInput, TurnSettings } from '../../workflows/types.js';
import type { CronService } from './agent-service.js';

/** What the cron service needs. */
export interface TemporalCronDeps {
  client: Client;
  config: () => Config;
  settings: (config: Config) => TurnSettings;
}

/** How long a job's state may take to answer (a worker answers queries of running workflows). */
const queryTimeoutMs = 10_000;

/** A value for a single-quoted visibility query string. */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Undefined instead of WorkflowNotFoundError: the job does not exist or has ended. */
async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Cron jobs as workflows: started by the client, listed through visibility, steered by signals. */
export function createTemporalCron({ client, config, settings }: TemporalCronDeps): CronService {
  const handle = (jobId: string) => client.workflow.getHandle(cronWorkflowId(jobId));
  return {
    async list(filter = {}) {
      // This installation's jobs only: another ClawdBot may share the namespace on its own queue.
      let query =
        `WorkflowType = 'cronJob' AND ExecutionStatus = 'Running' AND ` +
        `TaskQueue = '${quote(config().temporal.taskQueue)}'`;
      if (filter.agentId !== undefined)
        query += ` AND ${agentIdAttribute.name} = '${quote(filter.agentId)}'`;
      const jobs = [];
      for await (const execution of client.workflow.list({ query, pageSize: 200 })) {
        jobs.push(
          cronJobInfo(execution.memo, execution.workflowId, execution.status.name.toLowerCase()),
        );
        if (jobs.length >= 1000) break;
      }
      return jobs.sort((a, b) => b.createdAt - a.createdAt);
    },

    async add(spec) {
      const current = config();
      const input: CronJobInput = {
        ...spec,
        jobId: randomUUID(),
        settings: settings(current),
        createdAt: Date.now(),
      };
      await client.workflow.start('cronJob', {
        ...cronJobStartOptions(input),
        taskQueue: current.temporal.taskQueue,
      });
      return { ...spec, jobId: input.jobId, createdAt: input.createdAt, status: 'running' };
    },

    async remove(jobId) {
      return (
        (await unlessNotFound(() =>
          handle(jobId)
            .signal(cronRemoveSignal)
            .then(() => true),
        )) ?? false
      );
    },

    async run(jobId, requestId) {
      return (
        (await unlessNotFound(() =>
          handle(jobId)
            .signal(cronRunNowSignal, { requestId })
            .then(() => true),
        )) ?? false
      );
    },

    async state(jobId) {
      try {
        // A running job answers through a worker; without one the server waits 30 s.
        return await unlessNotFound(() =>
          client.withDeadline(Date.now() + queryTimeoutMs, () =>
            handle(jobId).query(cronStateQuery),
          ),
        );
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        throw new ClawdbotError(
          'UNAVAILABLE',
          `cron job ${jobId} did not answer (is a worker running?): ${error.message}`,
          { jobId },
        );
      }
    },
  };
}
