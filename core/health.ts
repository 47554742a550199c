/** Health of one component. */
export interface ComponentHealth {
  status:
    'ok' | 'starting' | 'disabled' | 'external' | 'stopped' | 'failed' | 'unreachable' | 'crashed';
  [key: string]: unknown;
}

/** What GET /health and the `health` method report. */
export interface HealthReport {
  ok: boolean;
  ts: number;
  gateway: ComponentHealth;
  worker: ComponentHealth;
  temporal: ComponentHealth;
  /** `warnings` when `clawdbot security audit` has more than notes to report. */
  security?: 'ok' | 'warnings';
  /** Channel accounts this process hosts (a failing one does not make `ok` false). */
  channels?: ChannelHealth[];
}

/** One channel account in the health report. */
export interface ChannelHealth {
  channel: string;
  accountId: string;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  lastError?: string;
}
