import type { EventBus, RunPart } from '../core/events/types.js';
import type { TurnRef } from '../workflows/types.js';

/** Publish one part of a run on the bus. */
export function publishPart(
  bus: EventBus,
  ref: Pick<TurnRef, 'runId' | 'sessionKey' | 'turnId'>,
  part: RunPart,
): void {
  bus.publish({
    runId: ref.runId,
    sessionKey: ref.sessionKey,
    turnId: ref.turnId,
    ts: Date.now(),
    part,
  });
}
