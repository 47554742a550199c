/** The diagnostics-otel plugin's config (`plugins.entries.diagnostics-otel.config`). */

/** As validated against the manifest's configSchema. */
export interface OtelPluginConfig {
  endpoint: string;
  headers?: Record<string, string>;
  serviceName?: string;
  traces?: boolean;
  metrics?: boolean;
  metricsIntervalMs?: number;
  spanFlushMs?: number;
}

/** The config with every default filled in. */
export interface OtelSettings {
  tracesUrl: string;
  metricsUrl: string;
  headers: Record<string, string>;
  serviceName: string;
  traces: boolean;
  metrics: boolean;
  metricsIntervalMs: number;
  spanFlushMs: number;
}

/** Fill in the defaults the manifest documents. */
export function otelSettings(config: OtelPluginConfig): OtelSettings {
  const base = config.endpoint.replace(/\/+$/, '');
  return {
    tracesUrl: `${base}/v1/traces`,
    metricsUrl: `${base}/v1/metrics`,
    headers: config.headers ?? {},
    serviceName: config.serviceName ?? 'clawdbot',
    traces: config.traces ?? true,
    metrics: config.metrics ?? true,
    metricsIntervalMs: config.metricsIntervalMs ?? 60_000,
    spanFlushMs: config.spanFlushMs ?? 5_000,
  };
}
