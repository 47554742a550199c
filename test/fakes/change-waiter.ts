/**
 * "Wait until the fake has seen X" for platform fakes: the fake calls `changed()` whenever
 * its state moves, and `waitFor(check)` resolves with the first truthy value of `check`.
 */
import { EventEmitter } from 'node:events';

/** A change signal with a waiter. */
export interface ChangeWaiter {
  changed(): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  /**
   * Run `listener` synchronously on every change (a fake's own long poll); returns the
   * unsubscribe. `waitFor` checks a tick later instead, once the request is booked.
   */
  subscribe(listener: () => void): () => void;
}

/** A new waiter. */
export function changeWaiter(): ChangeWaiter {
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  return {
    changed: () => changes.emit('change'),
    subscribe: (listener) => {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
    waitFor: <T>(check: () => T | undefined | false) =>
      new Promise<T>((resolve) => {
        const test = () => {
          const value = check();
          if (value === undefined || value === false) return;
          changes.off('change', later);
          resolve(value);
        };
        const later = () => setImmediate(test);
        changes.on('change', later);
        test();
      }),
  };
}
