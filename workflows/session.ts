import {
  allHandlersFinished,
  CancellationScope,
  condition,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { registerApprovals } from './approvals.js';
import {
  abortTurnUpdate,
  messageSignal,
  sessionIdleTimeoutMs,
  sessionStateQuery,
  turnWorkflowId,
} from './definitions.js';
import type { Activities } from '../activities/index.js';
import { legacySession } from './legacy-session.js';
import { runTurn } from './run-turn.js';
import { turnEvents } from './turn-events.js';
import {
  agentIdAttribute,
  channelAttribute,
  runIdAttribute,
  sessionKeyAttribute,
} from './search-attributes.js';
import type {
  CurrentTurn,
  InboundMessage,
  SessionInput,
  TurnOutcome,
  TurnSettings,
} from './types.js';

const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s', maximumAttempts: 10 },
});

const seenLimit = 1000;

/**
 * One workflow id per session key (`session:<key>`), and one run of it per turn: a run
 * waits for a message, runs that turn itself (its LLM and tool activities scheduled from
 * this run, no child workflow), then continues-as-new carrying the queue and the handled
 * message ids. So each turn is still its own workflow execution, with its own history and
 * search attributes, while a message to an idle session costs one signal and one cached
 * workflow task before the LLM call. Completes after an idle period (the next message
 * restarts it with signal-with-start).
 *
 * Every change made since this type was introduced is part of it: it asks `patched()`
 * nothing. Each `patched()` call records a marker and upserts the TemporalChangeVersion
 * search attribute in every run that makes it, i.e. in every turn (six history events, a
 * visibility write, ~10% of the server's work on a plain turn).
 */
export async function sessionTurn(input: SessionInput): Promise<void> {
  return sessionRun(input, true);
}

/**
 * Runs of the type sessions had before `sessionTurn`: they replay (and drain) with the
 * `patched()` calls they made, and continue-as-new as `sessionTurn`.
 */
export async function session(input: SessionInput): Promise<void> {
  // Runs started before turns ran inside the session replay (and drain) the old code.
  if (!patched('one-turn-per-run')) return legacySession(input);
  return sessionRun(input, false);
}

/** The workflow type a session run continues as. */
const nextRunType = 'sessionTurn';

/** One run of a session; `patchesBuiltIn` takes every patch below without asking patched(). */
async function sessionRun(input: SessionInput, patchesBuiltIn: boolean): Promise<void> {
  const queue: InboundMessage[] = [...(input.pending ?? [])];
  const seen: string[] = [...(input.seen ?? [])];
  let settings: TurnSettings = input.settings;
  let current: (CurrentTurn & { steered: InboundMessage[]; scope?: CancellationScope }) | undefined;
  let turnsCompleted = 0;

  const known = (id: string) =>
    seen.includes(id) ||
    queue.some((queued) => queued.messageId === id) ||
    (current?.messageIds.includes(id) ?? false);

  setHandler(messageSignal, ({ message, settings: latest }) => {
    if (known(message.messageId)) return;
    settings = latest;
    if (latest.queueMode === 'steer' && current) {
      current.messageIds.push(message.messageId);
      current.steered.push(message);
      return;
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
  setHandler(abortTurnUpdate, ({ runId }) => {
    if (!current?.scope || (runId !== undefined && runId !== current.runId)) return { runIds: [] };
    current.scope.cancel();
    return { runIds: [current.runId] };
  });
  const approvals = registerApprovals();

  // The previous run's turn is announced as ended only now, once that run has closed: a
  // client that answers the end at once reaches this run, not the closing one (a signal
  // arriving while a run completes with continue-as-new fails that workflow task and costs
  // a replay). Announcing it as the run closed instead (tried: a sink published 5 ms after
  // the closing task) brought the end ~20 ms sooner but put this run's first task inside
  // the next turn: a client answering at once waited for it (first delta +6 to +17 ms).
  if (input.announce) {
    const { ref, part } = input.announce;
    // A sink, not a local activity: no extra activation before the run waits for work.
    if (patchesBuiltIn || patched('announce-by-sink')) turnEvents.publish({ ...ref, part });
    else await bookkeeping['turn.publish']({ ...ref, part });
  }

  // Wait for work; an idle run completes (no timer at all when work is already queued).
  if (queue.length === 0) {
    const hasWork = await condition(
      () => queue.length > 0,
      input.idleTimeoutMs ?? sessionIdleTimeoutMs,
    );
    if (!hasWork) {
      await condition(allHandlersFinished);
      if (queue.length === 0) return;
    }
  }
  if (settings.queueMode === 'collect') {
    // Debounce: wait until no new message has arrived for debounceMs.
    let count = queue.length;
    while (await condition(() => queue.length > count, settings.debounceMs)) count = queue.length;
  }
  const batch = settings.queueMode === 'collect' ? queue.splice(0) : queue.splice(0, 1);
  const first = batch[0]!;
  const turn = {
    runId: first.messageId,
    turnId: turnWorkflowId(input.sessionKey, first.messageId),
    messageIds: batch.map((message) => message.messageId),
    startedAt: Date.now(),
    steered: [] as InboundMessage[],
    scope: new CancellationScope(),
  };
  current = turn;
  // This run is this turn: agent.wait and the Temporal UI find it by its run id.
  upsertSearchAttributes([
    { key: runIdAttribute, value: first.messageId },
    { key: channelAttribute, value: first.channel },
  ]);
  let outcome: TurnOutcome;
  let announcement: SessionInput['announce'];
  try {
    const { result, announcement: end } = await turn.scope.run(() =>
      runTurn(
        { sessionKey: input.sessionKey, runId: first.messageId, settings, messages: batch },
        {
          turnId: turn.turnId,
          steered: turn.steered,
          approvals,
          approvalPrefix: `${workflowInfo().workflowId}::${first.messageId}`,
          prepareInFirstCall: true,
          patchesBuiltIn,
          // Announced by the next run: see below.
          announceEnd: false,
        },
      ),
    );
    announcement = end;
    outcome = {
      runId: result.runId,
      status: result.status,
      text: result.text,
      ...(result.errorMessage !== undefined ? { errorMessage: result.errorMessage } : {}),
    };
  } catch (error) {
    // The turn could not even record its end: the session must outlive it, with its queue.
    log.warn('turn did not complete', { turnId: turn.turnId, error: String(error) });
    outcome = { runId: first.messageId, status: 'error', text: '', errorMessage: String(error) };
  }
  current = undefined;
  turnsCompleted++;
  // Messages steered in too late for the turn to see them get a turn of their own.
  const unseen = new Set(turn.steered.map((message) => message.messageId));
  queue.unshift(...turn.steered);
  seen.push(...turn.messageIds.filter((id) => !unseen.has(id)));
  if (seen.length > seenLimit) seen.splice(0, seen.length - seenLimit);
  upsertMemo({ turn: outcome });
  await condition(allHandlersFinished);
  await makeContinueAsNewFunc<typeof sessionTurn>({
    workflowType: nextRunType,
    // Only the session's own attributes (the server would copy this run's): the next run
    // is not this turn.
    typedSearchAttributes: [
      { key: sessionKeyAttribute, value: input.sessionKey },
      { key: channelAttribute, value: first.channel },
      { key: agentIdAttribute, value: settings.agentId },
    ],
  })({
    ...input,
    settings,
    pending: queue,
    seen,
    ...(announcement ? { announce: announcement } : { announce: undefined }),
  });
}
