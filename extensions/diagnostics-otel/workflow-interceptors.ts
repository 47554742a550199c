/**
 * Bundled into the workflow code (a workflow interceptor module: only the workflow SDK
 * here). A session runs each turn in a run of its own, started by continue-as-new; the
 * tracing interceptors would carry the trace into the next run, making every turn of a
 * session one endless trace. Dropping the trace header at continue-as-new starts each run,
 * so each turn, in a trace of its own.
 */
import type {
  ContinueAsNewInput,
  Next,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header @temporalio/interceptors-opentelemetry carries the trace context in. */
const TRACE_HEADER = '_tracer-data';

class NewTracePerRun implements WorkflowOutboundCallsInterceptor {
  continueAsNew(
    input: ContinueAsNewInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
  ): Promise<never> {
    const headers = Object.fromEntries(
      Object.entries(input.headers).filter(([name]) => name !== TRACE_HEADER),
    );
    return next({ ...input, headers });
  }
}

/** Called by the workflow runtime for each workflow execution. */
export const interceptors = (): WorkflowInterceptors => ({ outbound: [new NewTracePerRun()] });
