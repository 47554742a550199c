import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// The loader's view of this plugin: manifest, config check, register(). Traces and metrics
// of real turns, exported to an OTLP/HTTP receiver: test/extensions/diagnostics-otel.test.ts.

const manifest = bundledManifest('diagnostics-otel');

describe('diagnostics-otel plugin manifest', () => {
  it("registers Temporal's and its own SDK plugins, the agent_end hook and its exporter service", async () => {
    expect(manifest.kind).toBe('service');
    const checked = checkPluginConfig(manifest, { endpoint: 'http://127.0.0.1:4318' });
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(checked.config).toMatchObject({ serviceName: 'clawdbot', traces: true, metrics: true });
    const registered = recordRegistrations(manifest, register, checked.config);
    // Temporal's OpenTelemetry plugin first: its workflow interceptors must wrap ours.
    expect(registered.temporalPlugins).toHaveLength(2);
    expect(registered.temporalPlugins[1]).toBe('clawdbot-diagnostics-otel');
    expect(registered.hooks).toEqual(['agent_end']);
    expect(registered.services.map((service) => service.id)).toEqual(['diagnostics-otel']);
    await registered.services[0]!.stop?.();
  });

  it('needs an http(s) endpoint', () => {
    expect(checkPluginConfig(manifest, {})).toMatchObject({ ok: false });
    expect(checkPluginConfig(manifest, { endpoint: 'grpc://127.0.0.1:4317' })).toEqual({
      ok: false,
      paths: ['endpoint'],
    });
  });
});
