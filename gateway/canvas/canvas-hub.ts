/**
 * Canvas viewers (WebSocket clients that connected with the `canvas` cap) and the
 * commands in flight to them. A command goes to every viewer (they all show the same
 * canvas); the first answer through `canvas.result` settles it.
 */
import { randomUUID } from 'node:crypto';
import { ClawdbotError } from '../../core/errors.js';

/** The capability a client names in `connect.caps` to be a canvas viewer. */
export const CANVAS_CAP = 'canvas';

/** How the hub reaches one viewer's socket. */
export interface CanvasViewerLink {
  connId: string;
  send(event: string, payload: unknown): boolean;
}

/** What a viewer answered. */
export interface CanvasOutcome {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** What the viewers show (the gateway remembers it for snapshots and new viewers). */
export interface CanvasState {
  visible: boolean;
  /** A gateway path (`/canvas/x.html`) or an absolute http(s) URL. */
  target?: string;
}

interface Pending {
  resolve(outcome: CanvasOutcome): void;
  timer: NodeJS.Timeout;
}

/** The canvas viewers of one gateway. */
export class CanvasHub {
  readonly #viewers = new Map<string, CanvasViewerLink>();
  readonly #pending = new Map<string, Pending>();
  #state: CanvasState = { visible: false };

  /** What the viewers show now. */
  get state(): CanvasState {
    return this.#state;
  }

  /** Connected viewers. */
  get viewerCount(): number {
    return this.#viewers.size;
  }

  register(link: CanvasViewerLink): void {
    this.#viewers.set(link.connId, link);
    // A viewer that joins late shows what the others show.
    link.send('canvas.command', { id: randomUUID(), command: 'state', state: this.#state });
  }

  unregister(connId: string): void {
    this.#viewers.delete(connId);
  }

  isViewer(connId: string): boolean {
    return this.#viewers.has(connId);
  }

  /** Tell the viewers that canvas files changed (live reload). */
  notifyChanged(files: string[]): void {
    for (const viewer of this.#viewers.values())
      viewer.send('canvas.command', { id: randomUUID(), command: 'reload', files });
  }

  /** Send a command to every viewer and wait for the first answer. */
  async command(
    command: string,
    params: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CanvasOutcome> {
    if (this.#viewers.size === 0)
      throw new ClawdbotError(
        'UNAVAILABLE',
        'No canvas viewer is connected: open /canvas-viewer of the gateway (or the Control UI canvas panel) and try again.',
      );
    const id = randomUUID();
    const answered = new Promise<CanvasOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({
          ok: false,
          error: `No canvas viewer answered within ${Math.round(timeoutMs / 1000)} s.`,
        });
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
    });
    for (const viewer of this.#viewers.values())
      viewer.send('canvas.command', { id, command, ...params });
    return answered;
  }

  /** Remember what the viewers were told to show. */
  setState(state: CanvasState): void {
    this.#state = state;
  }

  /** Settle a command with a viewer's answer; false when it is unknown or settled already. */
  resolve(id: string, outcome: CanvasOutcome): boolean {
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
    return true;
  }

  /** Answer every waiting command (the gateway is closing). */
  close(): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, error: 'The gateway is closing.' });
      this.#pending.delete(id);
    }
  }
}
