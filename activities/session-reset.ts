/**
 * When a turn starts a new session: `/new` or `/reset` from the user, or the reset policy
 * (`session.reset`, per channel `session.resetByChannel`) finding the session stale. A
 * reset gives the key a new session id; the old transcript stays, readable by its id.
 */
import type { ResetPolicy } from '../core/config/context-schema.js';
import type { Config } from '../core/config/schema.js';
import { parseChatCommand } from '../core/context/chat-commands.js';
import { transcriptEntryId, type SessionStore } from '../core/sessions/index.js';
import type { PrepareInput } from '../workflows/types.js';
import type { SessionEndReason } from '../core/plugins/types.js';

/** The most recent daily reset time at or before `now` (the host's local time). */
export function lastDailyReset(now: number, atHour: number): number {
  const boundary = new Date(now);
  boundary.setHours(atHour, 0, 0, 0);
  if (boundary.getTime() > now) boundary.setDate(boundary.getDate() - 1);
  return boundary.getTime();
}

/** Whether a session last active at `updatedAt` is over by the policy. */
export function isStale(policy: ResetPolicy, updatedAt: number, now: number): boolean {
  switch (policy.mode) {
    case 'off':
      return false;
    case 'daily':
      return updatedAt < lastDailyReset(now, policy.atHour);
    case 'idle':
      return now - updatedAt > policy.idleMinutes * 60_000;
  }
}

/** The policy for a channel: its override, else `session.reset`. */
export function resetPolicyFor(config: Config, channel: string): ResetPolicy {
  return config.session.resetByChannel[channel] ?? config.session.reset;
}

/** A reset that happened: why, and the session it ended. */
export interface SessionResetOutcome {
  reason: SessionEndReason;
  previousSessionId: string;
}

/**
 * Reset the key before its turn is recorded, when asked or due. Idempotent: a retried
 * prepare finds the run's message already in the new session (or the session fresh), and
 * answers undefined, as when nothing was due.
 */
export async function resetIfDue(
  store: SessionStore,
  config: Config,
  input: PrepareInput,
  now = Date.now(),
): Promise<SessionResetOutcome | undefined> {
  const first = input.messages[0];
  if (!first) return undefined;
  const current = await store.get(input.sessionKey);
  if (!current) return undefined;
  const command = parseChatCommand(first.text);
  let reason: SessionEndReason;
  if (command?.name === 'new' || command?.name === 'reset') {
    const recent = await store.readEntries(current.sessionId, { limit: 20 });
    if (recent.some((entry) => entry.id === transcriptEntryId.user(input.runId))) return undefined;
    reason = command.name;
  } else {
    const policy = resetPolicyFor(config, first.channel);
    if (!isStale(policy, current.updatedAt, now)) return undefined;
    reason = policy.mode === 'idle' ? 'idle' : 'daily';
  }
  await store.reset(input.sessionKey);
  return { reason, previousSessionId: current.sessionId };
}
