// diagnostics-otel (bundled plugin) end to end: the real gateway and worker in this process
// with the plugin enabled, its OpenTelemetry SDK exporting over OTLP/HTTP to a receiver on
// 127.0.0.1, Temporal's OpenTelemetry interceptors in the client, the worker and the
// workflow bundle, and the scripted LLM calling a tool.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startFakeOtlpCollector,
  type FakeOtlpCollector,
  type ReceivedSpan,
} from '../fakes/otlp-collector.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { expectBundledPluginLoaded } from '../helpers/bundled-plugin.js';

let llm: FakeLlmServer;
let collector: FakeOtlpCollector;
let harness: ChannelGatewayHarness;

const sessionKey = 'agent:otel:main';

/** One turn through the gateway, waited for until it ended. */
async function turn(message: string, id: string): Promise<string> {
  const { runId } = (await harness.call('agent', {
    message,
    sessionKey,
    idempotencyKey: id,
  })) as { runId: string };
  const outcome = (await harness.call('agent.wait', { runId, timeoutMs: 120_000 })) as {
    status: string;
  };
  expect(outcome.status).toBe('ok');
  return runId;
}

const named = (name: string) => collector.spans.filter((span) => span.name === name);
const byId = () => new Map(collector.spans.map((span) => [span.spanId, span]));

/** The span's ancestors, nearest first, as far as they were received. */
function ancestors(span: ReceivedSpan): ReceivedSpan[] {
  const spans = byId();
  const chain: ReceivedSpan[] = [];
  for (let parent = span.parentSpanId; parent;) {
    const next = spans.get(parent);
    if (!next) break;
    chain.push(next);
    parent = next.parentSpanId;
  }
  return chain;
}

const pointsOf = (metric: string) => collector.points.filter((point) => point.metric === metric);
/** Cumulative metrics: the latest export has the totals. */
const latest = (metric: string, match: (attributes: Record<string, unknown>) => boolean) =>
  pointsOf(metric)
    .filter((point) => match(point.attributes))
    .at(-1);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  collector = await startFakeOtlpCollector();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: {
      agent: { id: 'otel' },
      plugins: {
        entries: {
          'diagnostics-otel': {
            enabled: true,
            config: {
              endpoint: collector.url,
              serviceName: 'clawdbot-otel-test',
              metricsIntervalMs: 300,
              spanFlushMs: 100,
            },
          },
        },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await collector?.close();
  await llm?.close();
});

describe('diagnostics-otel plugin', () => {
  it('is the bundled plugin in extensions/diagnostics-otel, loaded, with its OpenTelemetry service and agent_end hook', async () => {
    const plugin = await expectBundledPluginLoaded(
      (method, params) => harness.call(method, params),
      'diagnostics-otel',
      'extensions/diagnostics-otel',
    );
    expect(plugin.registered).toMatchObject({
      services: ['diagnostics-otel'],
      hooks: ['agent_end'],
    });
  });

  let firstTrace: string;

  it('one turn is one trace: the session run and its LLM and tool activities as children', async () => {
    await turn('TOOL read_file {"path":"notes.txt"}', 'otel-1');
    // Two LLM calls (the tool call, then the answer to its result) and the tool.
    const [toolSpan] = await collector.waitFor(
      () => named('RunActivity:tool.read_file').length > 0 && named('RunActivity:tool.read_file'),
    );
    const llmSpans = await collector.waitFor(
      () => named('RunActivity:llm.generate').length >= 2 && named('RunActivity:llm.generate'),
    );
    firstTrace = toolSpan!.traceId;
    expect(llmSpans.map((span) => span.traceId)).toEqual([firstTrace, firstTrace]);
    // The workflow's own spans arrive through the worker's sink once the run has ended.
    await collector.waitFor(() =>
      named('RunWorkflow:sessionTurn').some((span) => span.traceId === firstTrace),
    );
    for (const span of [toolSpan!, ...llmSpans]) {
      const chain = ancestors(span).map((each) => each.name);
      expect(chain, span.name).toContain('RunWorkflow:sessionTurn');
      expect(chain[0], span.name).toMatch(/^StartActivity:|^StartLocalActivity:/);
    }
    // The trace begins where the gateway handed the message to Temporal: a new session's
    // first message starts its workflow (later ones are signalled).
    const roots = collector.spans.filter(
      (span) => span.traceId === firstTrace && span.parentSpanId === undefined,
    );
    expect(roots.map((span) => span.name)).toEqual(['StartWorkflow:sessionTurn']);
    expect(toolSpan!.resource['service.name']).toBe('clawdbot-otel-test');
    expect(collector.refused).toEqual([]);
  });

  it('the next turn of the same session is a trace of its own', async () => {
    const before = named('RunActivity:llm.generate').length;
    await turn('and a second message', 'otel-2');
    const [second] = await collector.waitFor(
      () =>
        named('RunActivity:llm.generate').length > before &&
        named('RunActivity:llm.generate').slice(before),
    );
    expect(second!.traceId).not.toBe(firstTrace);
    // The workflow's spans come through the sink once the run has ended, which can be a
    // moment after its activities' spans (a CI run read the chain too early).
    const chain = await collector.waitFor(() => {
      const names = ancestors(second!).map((each) => each.name);
      return names.includes('RunWorkflow:sessionTurn') && names;
    });
    expect(chain).toContain('RunWorkflow:sessionTurn');
    const inSecond = collector.spans.filter((span) => span.traceId === second!.traceId);
    expect(inSecond.some((span) => span.name === 'RunActivity:tool.read_file')).toBe(false);
  });

  it('exports metrics: turns, LLM latency and tool latency histograms', async () => {
    const turns = await collector.waitFor(() => {
      const point = latest('clawdbot.turns', () => true);
      return point && point.value >= 2 && point;
    });
    expect(turns.kind).toBe('sum');
    const llmLatency = await collector.waitFor(() => {
      const point = latest('clawdbot.llm.duration', (a) => a.outcome === 'ok');
      return point && point.value >= 3 && point;
    });
    expect(llmLatency).toMatchObject({ kind: 'histogram', unit: 'ms' });
    expect(llmLatency.sum).toBeGreaterThan(0);
    const toolLatency = await collector.waitFor(() =>
      latest('clawdbot.tool.duration', (a) => a.tool === 'read_file'),
    );
    expect(toolLatency.value).toBe(1);
    expect(turns.resource['service.name']).toBe('clawdbot-otel-test');
  });
});
