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
  };
}

export const { turnEvents } = proxySinks<TurnEventSinks>();
