import type { EventBus, RunEvent } from './types.js';

/** The in-process bus, for a gateway and a worker sharing one process. */
export function createLocalBus(): EventBus {
  const listeners = new Set<(event: RunEvent) => void>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // One broken subscriber must not stop delivery to the others, nor the publisher.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
