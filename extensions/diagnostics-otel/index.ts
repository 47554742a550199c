/**
 * Entry of the bundled `diagnostics-otel` plugin: OpenTelemetry traces and metrics of
 * turns, LLM calls and tools. Tracing is Temporal's own (`OpenTelemetryPlugin` of
 * @temporalio/interceptors-opentelemetry: client, workflow and activity interceptors, the
 * workflow spans exported through a sink), added to this process's clients, workers and
 * workflow bundle with `api.registerTemporalPlugin`. Set-up: README.md beside it.
 */
import { fileURLToPath } from 'node:url';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { PluginApi, TemporalSdkPlugin } from '../../core/plugins/types.js';
import { otelSettings, type OtelPluginConfig } from './config.js';
import { activityTimer, createInstruments } from './instruments.js';
import { startTelemetry } from './telemetry.js';

/** Register the tracing and metrics plugins, the turn counter and the flush on shutdown. */
export function register(api: PluginApi<OtelPluginConfig>): void {
  const settings = otelSettings(api.pluginConfig);
  const telemetry = startTelemetry(settings, api.version);
  const instruments = createInstruments(telemetry.meter);
  // First: its workflow interceptors must wrap ours (ours removes the header it adds).
  api.registerTemporalPlugin(
    new OpenTelemetryPlugin({
      resource: telemetry.resource,
      spanProcessor: telemetry.spanProcessor,
    }),
  );
  const clawdbotPlugin: TemporalSdkPlugin = {
    name: 'clawdbot-diagnostics-otel',
    configureWorker: (options) => ({
      ...options,
      interceptors: {
        ...options.interceptors,
        activity: [...(options.interceptors?.activity ?? []), activityTimer(instruments)],
      },
    }),
    configureBundler: (options) => ({
      ...options,
      workflowInterceptorModules: [
        ...(options.workflowInterceptorModules ?? []),
        fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url)),
      ],
    }),
  };
  api.registerTemporalPlugin(clawdbotPlugin);
  api.registerHook('agent_end', (event) => {
    instruments.turns.add(1, { status: event.status });
  });
  api.registerService({
    id: 'diagnostics-otel',
    start: () => undefined,
    stop: () => telemetry.shutdown(),
  });
}
