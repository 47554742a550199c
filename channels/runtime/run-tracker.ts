/**
 * What a channel shows while a turn runs, driven by the event bus (never by workflow
 * history, which holds only final messages): a typing indicator refreshed until the run
 * finishes, and for accounts with draft streaming one message edited as the text grows.
 * Only runs whose message this process received are tracked; the state is best effort
 * and lost with the process (the durable reply does not depend on it).
 */
import type { EventBus, RunEvent } from '../../core/events/types.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelAccountHandle, DeliveryTarget } from '../types.js';

/** How one tracked run is shown. */
export interface TrackOptions {
  target: DeliveryTarget;
  /** The account's handle now (undefined while it restarts). */
  handle: () => ChannelAccountHandle | undefined;
  /** Stream a draft message (Telegram streamMode 'partial'). */
  draft: boolean;
  /** The platform's text limit (a draft is cut there). */
  limit: number;
}

/** Tuning; tests shorten the intervals. */
export interface RunTrackerOptions {
  bus: EventBus | undefined;
  logger: Logger;
  /** Typing is refreshed this often (platforms show it ~5 s). */
  typingIntervalMs?: number;
  /** A draft is edited at most this often. */
  draftIntervalMs?: number;
  /** Give up on a run that never reports its end. */
  maxRunMs?: number;
}

interface Tracked {
  options: TrackOptions;
  typingTimer?: NodeJS.Timeout;
  expiry: NodeJS.Timeout;
  finished: boolean;
  /** Draft state: the message id once sent, the text to show, the last shown text. */
  draftId?: string;
  draftText: string;
  shownText: string;
  /** The send or edit in flight; the final delivery waits for it. */
  draftWork: Promise<void>;
  draftTimer?: NodeJS.Timeout;
  lastEditAt: number;
  /** The final delivery took the draft over: no more edits. */
  handedOver: boolean;
}

/** Tracks runs for typing and drafts. */
export interface RunTracker {
  track(runId: string, options: TrackOptions): void;
  /** The draft's message id, for the final delivery to edit; stops further draft edits. */
  takeDraft(runId: string): Promise<string | undefined>;
  stop(): void;
}

/** Start tracking; subscribes to the bus until stop(). */
export function createRunTracker(options: RunTrackerOptions): RunTracker {
  const typingIntervalMs = options.typingIntervalMs ?? 4000;
  const draftIntervalMs = options.draftIntervalMs ?? 1000;
  const maxRunMs = options.maxRunMs ?? 15 * 60_000;
  const runs = new Map<string, Tracked>();

  const forget = (runId: string) => {
    const run = runs.get(runId);
    if (!run) return;
    clearInterval(run.typingTimer);
    clearTimeout(run.draftTimer);
    clearTimeout(run.expiry);
    runs.delete(runId);
  };

  const stopTyping = (run: Tracked) => {
    clearInterval(run.typingTimer);
    run.typingTimer = undefined;
  };

  const sendTyping = (run: Tracked) => {
    const handle = run.options.handle();
    handle?.sendTyping?.(run.options.target).catch((error: Error) => {
      options.logger.debug(`typing failed: ${error.message}`);
    });
  };

  const flushDraft = (runId: string, run: Tracked) => {
    run.draftTimer = undefined;
    if (run.handedOver || run.draftText === run.shownText || run.draftText.trim() === '') return;
    const handle = run.options.handle();
    if (!handle?.editText) return;
    const text = run.draftText.slice(0, run.options.limit);
    run.lastEditAt = Date.now();
    run.draftWork = run.draftWork.then(async () => {
      if (run.handedOver) return;
      try {
        if (run.draftId === undefined) {
          const sent = await handle.sendText({
            target: run.options.target,
            text,
            formatted: false,
            deliveryId: `${runId}:draft`,
          });
          run.draftId = sent.platformMessageId;
        } else {
          await handle.editText!(run.options.target, run.draftId, text, { formatted: false });
        }
        run.shownText = text;
      } catch (error) {
        options.logger.debug(`draft update failed: ${(error as Error).message}`);
      }
    });
  };

  const scheduleDraft = (runId: string, run: Tracked) => {
    if (run.draftTimer || run.handedOver) return;
    const wait = Math.max(0, run.lastEditAt + draftIntervalMs - Date.now());
    run.draftTimer = setTimeout(() => flushDraft(runId, run), wait);
  };

  const onEvent = (event: RunEvent) => {
    const run = runs.get(event.runId);
    if (!run) return;
    const part = event.part;
    if (part.type === 'text-delta') {
      if (!run.options.draft) return;
      run.draftText = part.text;
      scheduleDraft(event.runId, run);
    } else if (part.type === 'stream-retry') {
      run.draftText = '';
    } else if (part.type === 'run-finish') {
      run.finished = true;
      stopTyping(run);
      clearTimeout(run.draftTimer);
      run.draftTimer = undefined;
      // Without a draft there is nothing left to hand over.
      if (run.draftId === undefined && !run.options.draft) forget(event.runId);
    }
  };
  const unsubscribe = options.bus?.subscribe(onEvent);

  return {
    track(runId, trackOptions) {
      if (runs.has(runId)) return;
      const run: Tracked = {
        options: trackOptions,
        expiry: setTimeout(() => forget(runId), maxRunMs),
        finished: false,
        draftText: '',
        shownText: '',
        draftWork: Promise.resolve(),
        lastEditAt: 0,
        handedOver: false,
      };
      run.expiry.unref();
      runs.set(runId, run);
      if (trackOptions.handle()?.sendTyping) {
        sendTyping(run);
        run.typingTimer = setInterval(() => sendTyping(run), typingIntervalMs);
        run.typingTimer.unref();
      }
    },
    async takeDraft(runId) {
      const run = runs.get(runId);
      if (!run) return undefined;
      run.handedOver = true;
      stopTyping(run);
      clearTimeout(run.draftTimer);
      await run.draftWork;
      const id = run.draftId;
      forget(runId);
      return id;
    },
    stop() {
      unsubscribe?.();
      for (const runId of [...runs.keys()]) forget(runId);
    },
  };
}
