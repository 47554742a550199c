import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { RunPart } from '../core/events/types.js';
import type { TurnRef } from './types.js';

/**
 * Events a workflow hands to its worker without a local activity: the worker publishes them
 * on the event bus after the activation, before the workflow task completes (so a worker
 * that dies first leaves the task to be retried, and the retry publishes again), and never
 * while replaying history. What it carries is a notice to clients, not state: the state is
 * in the history and the transcript. cli/runtime/worker.ts registers it on every worker.
 */
export interface TurnEventSinks extends Sinks {
  turnEvents: {
    publish(event: TurnRef & { part: RunPart }): void;
    /**
     * Publish a run's end from the task that closes the run, a few milliseconds after the
     * worker has sent that task's completion: a client answering the end at once then
     * reaches the next run. Best effort (the worker may die in between): the next run
     * announces the end again with `publish`, which the worker skips when it published it.
     */
    publishAsRunCloses(event: TurnRef & { part: RunPart }): void;
  };
}

export const { turnEvents } = proxySinks<TurnEventSinks>();
