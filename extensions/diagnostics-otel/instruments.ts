/**
 * ClawdBot's own metrics: turns by outcome, and the duration of LLM calls and tool calls.
 * Durations are measured around the activities (an activity interceptor), so retries and
 * failures count as what they are; turns are counted when they end (the agent_end hook).
 */
import type { Meter } from '@opentelemetry/api';
import type { Context as ActivityContext } from '@temporalio/activity';
import type {
  ActivityInboundCallsInterceptor,
  ActivityExecuteInput,
  Next,
} from '@temporalio/worker';

/** The instruments, made from one meter. */
export function createInstruments(meter: Meter) {
  return {
    turns: meter.createCounter('clawdbot.turns', {
      description: 'Agent turns that ended, by status',
    }),
    llmDuration: meter.createHistogram('clawdbot.llm.duration', {
      description: 'Duration of one LLM call (one attempt of the llm.generate activity)',
      unit: 'ms',
    }),
    toolDuration: meter.createHistogram('clawdbot.tool.duration', {
      description: 'Duration of one tool call (one attempt of a tool.<name> activity)',
      unit: 'ms',
    }),
  };
}

export type Instruments = ReturnType<typeof createInstruments>;

/** Times LLM and tool activities into the histograms. */
export function activityTimer(instruments: Instruments) {
  return (context: ActivityContext): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(
        input: ActivityExecuteInput,
        next: Next<ActivityInboundCallsInterceptor, 'execute'>,
      ): Promise<unknown> {
        const type = context.info.activityType;
        const histogram = type.startsWith('llm.')
          ? instruments.llmDuration
          : type.startsWith('tool.')
            ? instruments.toolDuration
            : undefined;
        if (!histogram) return next(input);
        const started = performance.now();
        let outcome = 'error';
        try {
          const result = await next(input);
          outcome = 'ok';
          return result;
        } finally {
          histogram.record(performance.now() - started, {
            activity: type,
            outcome,
            ...(type.startsWith('tool.') ? { tool: type.slice('tool.'.length) } : {}),
          });
        }
      },
    },
  });
}
