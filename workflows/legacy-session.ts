import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { agentTurn } from './agent-turn.js';
import { messageSignal, sessionStateQuery, steerSignal, turnWorkflowId } from './definitions.js';
import {
  agentIdAttribute,
  channelAttribute,
  runIdAttribute,
  sessionKeyAttribute,
} from './search-attributes.js';
import type { CurrentTurn, InboundMessage, SessionInput, TurnSettings } from './types.js';

const seenLimit = 1000;
const turnsPerRun = 100;
const defaultIdleTimeoutMs = 60 * 60 * 1000;

/**
 * The session workflow as it ran before turns ran inside it: queues inbound messages and
 * runs one agentTurn child at a time, in arrival order, continuing-as-new every 100 turns.
 * Kept unchanged so that runs started by an older version replay and drain; their next
 * run (after continue-as-new or idle completion) takes the current code.
 */
export async function legacySession(input: SessionInput): Promise<void> {
  const queue: InboundMessage[] = [...(input.pending ?? [])];
  const seen: string[] = [...(input.seen ?? [])];
  let settings: TurnSettings = input.settings;
  let current: (CurrentTurn & { handle?: ChildWorkflowHandle<typeof agentTurn> }) | undefined;
  let turnsCompleted = 0;

  const known = (id: string) =>
    seen.includes(id) ||
    queue.some((queued) => queued.messageId === id) ||
    (current?.messageIds.includes(id) ?? false);

  setHandler(messageSignal, async ({ message, settings: latest }) => {
    if (known(message.messageId)) return;
    settings = latest;
    const running = current?.handle;
    if (latest.queueMode === 'steer' && running && current) {
      current.messageIds.push(message.messageId);
      try {
        await running.signal(steerSignal, [message]);
        return;
      } catch {
        // The turn finished meanwhile: the message gets a turn of its own.
        current.messageIds.splice(current.messageIds.indexOf(message.messageId), 1);
      }
    }
    queue.push(message);
  });
  setHandler(sessionStateQuery, () => ({
    sessionKey: input.sessionKey,
    queue,
    current: current && {
      runId: current.runId,
      turnId: current.turnId,
      messageIds: current.messageIds,
      startedAt: current.startedAt,
    },
    turnsCompleted,
  }));

  const remember = (ids: string[]) => {
    seen.push(...ids);
    if (seen.length > seenLimit) seen.splice(0, seen.length - seenLimit);
  };

  for (;;) {
    const hasWork = await condition(
      () => queue.length > 0,
      input.idleTimeoutMs ?? defaultIdleTimeoutMs,
    );
    if (!hasWork) {
      await condition(allHandlersFinished);
      if (queue.length === 0) return;
      continue;
    }
    if (settings.queueMode === 'collect') {
      // Debounce: wait until no new message has arrived for debounceMs.
      let count = queue.length;
      while (await condition(() => queue.length > count, settings.debounceMs)) count = queue.length;
    }
    const batch = settings.queueMode === 'collect' ? queue.splice(0) : queue.splice(0, 1);
    const first = batch[0]!;
    const turnId = turnWorkflowId(input.sessionKey, first.messageId);
    current = {
      runId: first.messageId,
      turnId,
      messageIds: batch.map((message) => message.messageId),
      startedAt: Date.now(),
    };
    try {
      current.handle = await startChild(agentTurn, {
        workflowId: turnId,
        args: [{ sessionKey: input.sessionKey, runId: first.messageId, settings, messages: batch }],
        // A turn id that already ran (a duplicate delivered after continue-as-new) starts nothing.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: sessionKeyAttribute, value: input.sessionKey },
          { key: channelAttribute, value: first.channel },
          { key: agentIdAttribute, value: settings.agentId },
          { key: runIdAttribute, value: first.messageId },
        ],
      });
      await current.handle.result();
    } catch (error) {
      // A duplicate turn id, an abort or a failure: the turn recorded its own outcome
      // (or ran before), and the session moves on either way.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        log.warn('turn did not complete', { turnId, error: String(error) });
      }
    }
    remember(current.messageIds);
    current = undefined;
    turnsCompleted++;
    if (workflowInfo().continueAsNewSuggested || turnsCompleted >= turnsPerRun) {
      await condition(allHandlersFinished);
      await continueAsNew<(input: SessionInput) => Promise<void>>({
        ...input,
        settings,
        pending: queue,
        seen,
      });
    }
  }
}
