/**
 * One relay connection of an account, kept open: connect, subscribe to the DMs addressed
 * to us, and when the socket drops report it and reconnect (0.5 s doubling to 30 s),
 * asking again from a little before the newest event seen so nothing sent meanwhile is
 * lost (duplicates are removed by the account). nostr-tools' AbstractRelay does the
 * NIP-01 framing; the reconnect loop is ours so that status and `since` stay in our hands.
 */
import { AbstractRelay } from 'nostr-tools/abstract-relay';
import type { Event as NostrEvent } from 'nostr-tools/core';
import type { Filter } from 'nostr-tools/filter';
import { verifyEvent } from 'nostr-tools/pure';
import WebSocket from 'ws';
import type { Logger } from '../../core/logger.js';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** What a link needs. */
export interface RelayLinkOptions {
  url: string;
  logger: Logger;
  signal: AbortSignal;
  /** The filters to subscribe with; called on every (re)connect so `since` can move. */
  filters(): Filter[];
  onEvent(event: NostrEvent, relayUrl: string): void;
  /** Called after each successful connect (the account publishes its profile then). */
  onConnected(link: RelayLink): void;
  onDisconnected(relayUrl: string, reason: string): void;
}

/** A kept-open relay connection. */
export class RelayLink {
  private relay: AbstractRelay | undefined;
  readonly done: Promise<void>;

  constructor(private readonly options: RelayLinkOptions) {
    this.done = this.run();
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.relay?.connected ?? false;
  }

  get url(): string {
    return this.options.url;
  }

  /** Publish one event; resolves when the relay accepted it (OK true), throws otherwise. */
  async publish(event: NostrEvent): Promise<void> {
    const relay = this.relay;
    if (!relay?.connected) throw new Error(`${this.options.url}: not connected`);
    await relay.publish(event);
  }

  private async run(): Promise<void> {
    const { url, logger, signal } = this.options;
    let backoffMs = MIN_BACKOFF_MS;
    while (!signal.aborted) {
      let reason: string;
      const relay = new AbstractRelay(url, {
        verifyEvent: (event) => verifyEvent(event),
        // ws's class is what runs in Node; its types differ from the DOM's in details only.
        websocketImplementation: WebSocket as unknown as typeof globalThis.WebSocket,
        enableReconnect: false,
      });
      try {
        const closed = new Promise<string>((resolve) => {
          relay.onclose = () => resolve('the connection closed');
        });
        await relay.connect({ timeout: CONNECT_TIMEOUT_MS });
        this.relay = relay;
        relay.subscribe(this.options.filters(), {
          onevent: (event) => this.options.onEvent(event, url),
          // Live events keep coming after EOSE; the timeout only ends the wait for EOSE.
          eoseTimeout: 60_000,
        });
        backoffMs = MIN_BACKOFF_MS;
        this.options.onConnected(this);
        const onAbort = () => relay.close();
        signal.addEventListener('abort', onAbort, { once: true });
        reason = await closed;
        signal.removeEventListener('abort', onAbort);
      } catch (error) {
        reason = `connecting failed: ${String((error as Error)?.message ?? error)}`;
        relay.close();
      }
      this.relay = undefined;
      if (signal.aborted) break;
      this.options.onDisconnected(url, reason);
      logger.warn(`nostr relay ${url}: ${reason}; reconnecting in ${backoffMs} ms`);
      await sleep(backoffMs, signal);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
