// An OTLP/HTTP receiver on 127.0.0.1 (what an OpenTelemetry Collector's otlphttp receiver
// does): POST /v1/traces and /v1/metrics with ExportTraceServiceRequest /
// ExportMetricsServiceRequest bodies in OTLP's JSON encoding (Content-Type
// application/json, trace and span ids as hex strings), optionally gzip-compressed;
// answers 200 with an empty JSON object (a full success). A protobuf body is refused (415)
// and counted, so a test notices an exporter that speaks the other encoding.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { listenHttpFake, readBody } from './http-fake.js';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};

interface JsonKeyValue {
  key: string;
  value: AnyValue;
}

/** One span as received, with its resource's and its own attributes flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  status?: { code?: number; message?: string };
}

/** One data point of a metric as received. */
export interface ReceivedPoint {
  metric: string;
  unit?: string;
  kind: 'sum' | 'histogram' | 'gauge';
  attributes: Record<string, unknown>;
  /** Sum value, gauge value, or histogram count. */
  value: number;
  /** Histogram sum. */
  sum?: number;
  resource: Record<string, unknown>;
}

/** The receiver and what it got. */
export interface FakeOtlpCollector {
  /** Base URL (the exporter config's endpoint). */
  url: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  /** Requests refused because they were not OTLP/JSON. */
  refused: { path: string; contentType: string }[];
  waitFor<T>(check: () => T | false | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

function value(any: AnyValue): unknown {
  if (any.stringValue !== undefined) return any.stringValue;
  if (any.intValue !== undefined) return Number(any.intValue);
  if (any.doubleValue !== undefined) return any.doubleValue;
  if (any.boolValue !== undefined) return any.boolValue;
  return undefined;
}

const flatten = (attributes: JsonKeyValue[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((each) => [each.key, value(each.value)]));

interface TracesBody {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: {
      spans?: (Omit<ReceivedSpan, 'attributes' | 'resource'> & { attributes?: JsonKeyValue[] })[];
    }[];
  }[];
}

interface NumberPoint {
  attributes?: JsonKeyValue[];
  asInt?: string | number;
  asDouble?: number;
}
interface HistogramPoint {
  attributes?: JsonKeyValue[];
  count?: string | number;
  sum?: number;
}
interface MetricsBody {
  resourceMetrics?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeMetrics?: {
      metrics?: {
        name: string;
        unit?: string;
        sum?: { dataPoints?: NumberPoint[] };
        gauge?: { dataPoints?: NumberPoint[] };
        histogram?: { dataPoints?: HistogramPoint[] };
      }[];
    }[];
  }[];
}

/** Start the receiver. */
export async function startFakeOtlpCollector(): Promise<FakeOtlpCollector> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const refused: FakeOtlpCollector['refused'] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    let body = await readBody(request);
    const path = request.url ?? '';
    const contentType = request.headers['content-type'] ?? '';
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    if (request.method !== 'POST' || !['/v1/traces', '/v1/metrics'].includes(path)) {
      response.writeHead(404).end();
      return;
    }
    if (!contentType.startsWith('application/json')) {
      refused.push({ path, contentType });
      response.writeHead(415, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const parsed = JSON.parse(body.toString('utf8')) as TracesBody & MetricsBody;
    for (const resourceSpans of parsed.resourceSpans ?? []) {
      const resource = flatten(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? [])
        for (const span of scope.spans ?? [])
          spans.push({ ...span, attributes: flatten(span.attributes), resource });
    }
    for (const resourceMetrics of parsed.resourceMetrics ?? []) {
      const resource = flatten(resourceMetrics.resource?.attributes);
      for (const scope of resourceMetrics.scopeMetrics ?? [])
        for (const metric of scope.metrics ?? []) {
          const base = { metric: metric.name, ...(metric.unit ? { unit: metric.unit } : {}) };
          // Sums and gauges carry the same number points; only the kind differs.
          const numbers = [
            ['sum', metric.sum],
            ['gauge', metric.gauge],
          ] as const;
          for (const [kind, data] of numbers)
            for (const point of data?.dataPoints ?? [])
              points.push({
                ...base,
                kind,
                attributes: flatten(point.attributes),
                value: Number(point.asInt ?? point.asDouble ?? 0),
                resource,
              });
          for (const point of metric.histogram?.dataPoints ?? [])
            points.push({
              ...base,
              kind: 'histogram',
              attributes: flatten(point.attributes),
              value: Number(point.count ?? 0),
              ...(point.sum !== undefined ? { sum: point.sum } : {}),
              resource,
            });
        }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
  const http = await listenHttpFake(handle);
  return {
    url: http.url,
    spans,
    points,
    refused,
    async waitFor(check, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const result = check();
        if (result !== false && result !== undefined) return result;
        if (Date.now() > until) throw new Error('OTLP collector: condition not met in time');
        await sleep(100);
      }
    },
    close: http.close,
  };
}
