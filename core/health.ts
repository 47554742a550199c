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
}
