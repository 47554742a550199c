/**
 * The OpenTelemetry SDK of one process: a tracer provider exporting spans in batches and a
 * meter provider exporting metrics periodically, both over OTLP/HTTP (JSON) to the
 * configured collector. `register()` installs the tracer provider as OpenTelemetry's global
 * one, with its async-context manager and W3C trace-context propagator: Temporal's
 * interceptors find the active span and carry it across processes through those globals.
 */
import { metrics, type Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { OtelSettings } from './config.js';

/** The SDK objects the interceptors and instruments use, and how to flush them. */
export interface Telemetry {
  resource: Resource;
  spanProcessor: SpanProcessor;
  meter: Meter;
  /** Export what is buffered, then stop exporting. */
  shutdown(): Promise<void>;
}

/** Set up tracing and metrics for this process. */
export function startTelemetry(settings: OtelSettings, version: string | undefined): Telemetry {
  const resource = new Resource({
    [ATTR_SERVICE_NAME]: settings.serviceName,
    ...(version !== undefined ? { [ATTR_SERVICE_VERSION]: version } : {}),
    'process.pid': process.pid,
  });
  const spanProcessor: SpanProcessor = settings.traces
    ? new BatchSpanProcessor(
        new OTLPTraceExporter({ url: settings.tracesUrl, headers: settings.headers }),
        { scheduledDelayMillis: settings.spanFlushMs },
      )
    : new NoopSpanProcessor();
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  tracerProvider.register();
  const meterProvider = new MeterProvider({
    resource,
    readers: settings.metrics
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({
              url: settings.metricsUrl,
              headers: settings.headers,
            }),
            exportIntervalMillis: settings.metricsIntervalMs,
            exportTimeoutMillis: Math.min(30_000, settings.metricsIntervalMs),
          }),
        ]
      : [],
  });
  // The meter is passed to the instruments directly; the global one is for other libraries.
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    resource,
    spanProcessor,
    meter: meterProvider.getMeter('clawdbot'),
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
