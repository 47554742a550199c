// A scripted LLM server on 127.0.0.1 that the real Anthropic and OpenAI SDKs talk to over
// real HTTP, so tests exercise the SDKs' own streaming, retry and error code paths.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as anthropic from './anthropic-wire.js';
import * as openai from './openai-wire.js';
import { FakePromptCache, type CacheUsage } from './prompt-cache.js';

/** One scripted answer; `afterChunks` counts content deltas (text or tool-argument pieces). */
export type ScriptStep =
  /** Answer with text, streamed in `chunks` near-equal pieces (default: one piece per word). */
  | { kind: 'text'; text: string; chunks?: number }
  /** Call tools (arguments JSON is streamed in several pieces), optionally after some text. */
  | { kind: 'tool_calls'; calls: ScriptedToolCall[]; text?: string }
  /** HTTP error in the provider's shape; `retryAfter` (seconds) becomes a `retry-after` header. */
  | { kind: 'error'; status: number; message?: string; retryAfter?: number }
  /**
   * Hang, then answer with `text` (default: the echo reply). Without `afterChunks` nothing is
   * sent, not even headers; with it, headers and `afterChunks` deltas go out first. Without
   * `ms` the hang lasts until the client leaves or the server closes.
   */
  | { kind: 'stall'; afterChunks?: number; ms?: number; text?: string }
  /** Destroy the socket: before any byte without `afterChunks`, else after that many deltas. */
  | { kind: 'drop'; afterChunks?: number; text?: string }
  /** Stream `text` one word per chunk, waiting `chunkDelayMs` before each chunk. */
  | { kind: 'slow'; text: string; chunkDelayMs: number };

/** A tool call the fake should make; `id` is generated when omitted. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** Which wire protocol a request spoke. */
export type LlmProvider = 'anthropic' | 'openai';

/** Every request the fake received, in arrival order, as the test sees it afterwards. */
export interface RecordedRequest {
  provider: LlmProvider;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there was none or it did not parse. */
  body: unknown;
  model: string | undefined;
  stream: boolean;
  /**
   * The most recent text a user wrote (tool results skipped), used for matching and echo.
   * A message ClawdBot wrapped as untrusted content counts by the text inside the wrapper
   * (the wrapper is in `body`, and its source in `untrustedSource`).
   */
  userText: string;
  /** Set when the latest user text arrived wrapped as untrusted content: the wrapper's source. */
  untrustedSource?: string;
  /** Tool results at the end of the conversation; empty unless the last turn was a tool result. */
  toolResults: string[];
  /** Input tokens as the fake counts them (body characters / charsPerToken). */
  inputTokens: number;
  /** The fake refused the request as longer than its context window. */
  overflowed: boolean;
  /** How the input tokens were billed, when the prompt cache is simulated. */
  cache?: CacheUsage;
}

/** Per-server knobs; everything is permissive and instant by default. */
export interface FakeLlmServerOptions {
  /** Reply when nothing is scripted; defaults to {@link echoReply}. */
  defaultReply?: (request: RecordedRequest) => ScriptStep;
  /** Accepted API keys; any key (or none) is accepted when omitted. */
  apiKeys?: string[];
  /** Known model ids; any model is accepted when omitted. Also what `GET /v1/models` lists. */
  models?: string[];
  /** Delay before every response's first byte. */
  latencyMs?: number;
  /** Delay before every streamed content delta. */
  chunkDelayMs?: number;
  /**
   * The model's context window in tokens: a longer request is rejected with the provider's
   * own 400 (Anthropic "prompt is too long", OpenAI context_length_exceeded). Unlimited
   * when omitted.
   */
  contextWindow?: number;
  /** How many request-body characters the fake counts as one token (default 4). */
  charsPerToken?: number;
  /**
   * Simulate the providers' prompt caches (Anthropic breakpoints, OpenAI automatic prefix
   * caching) and report cache reads and writes in usage. Off by default.
   */
  promptCache?: boolean;
}

/** A running fake; pass `anthropicBaseUrl` / `openaiBaseUrl` to the SDKs' `baseURL`. */
export interface FakeLlmServer {
  url: string;
  anthropicBaseUrl: string;
  openaiBaseUrl: string;
  /** Queue steps answered in order by any request no `scriptFor` queue claims. */
  script(steps: ScriptStep[]): void;
  /** Queue steps for requests whose `userText` contains `match`; checked before `script`. */
  scriptFor(match: string, steps: ScriptStep[]): void;
  /** Scripted steps not yet consumed, across all queues. */
  pending(): number;
  /** Forget queued steps and recorded requests. */
  reset(): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** What a wire module needs to render one answer. */
export interface Reply {
  model: string;
  text: string[] | undefined;
  toolCalls: { id: string; name: string; argumentChunks: string[] }[];
  inputTokens: number;
  outputTokens: number;
  /** Set when the prompt cache is simulated: how `inputTokens` split. */
  cache?: CacheUsage;
}

/** A rendered streaming answer; the content deltas are the cut points for stall and drop. */
export interface SsePlan {
  frames: { data: string; delta: boolean }[];
  /** Index of the first closing frame; truncation always stops before it. */
  tailStart: number;
}

/** Result of parsing a provider request body; `error` is a 400 message. */
export type ParsedBody =
  | { error: string }
  | {
      model: string;
      stream: boolean;
      includeUsage: boolean;
      userText: string;
      toolResults: string[];
      /** The request's output cap (max_tokens / max_completion_tokens), if it set one. */
      maxTokens?: number;
    };

const TOOL_DIRECTIVE = /^TOOL\s+(\S+)\s*([\s\S]*)$/;
/** A message wrapped as untrusted content (core/security/untrusted.ts). */
const UNTRUSTED_ENVELOPE =
  /^<untrusted-content source="([^"]*)">\n([\s\S]*)\n<\/untrusted-content>$/;
/** `WAIT <ms> <rest>`: the first call (no tool results yet) answers after ms, as for `<rest>`. */
const WAIT_DIRECTIVE = /^WAIT\s+(\d+)\s+([\s\S]*)$/;

/** The text inside an untrusted-content wrapper, and the wrapper's source. */
function unwrapUntrusted(text: string): { userText: string; untrustedSource?: string } {
  const envelope = UNTRUSTED_ENVELOPE.exec(text);
  return envelope ? { userText: envelope[2]!, untrustedSource: envelope[1]! } : { userText: text };
}

/** The delay a WAIT directive asks for (0 without one, or once tool results are in). */
function waitDirectiveMs(request: RecordedRequest): number {
  if (request.toolResults.length > 0) return 0;
  return Number(WAIT_DIRECTIVE.exec(request.userText)?.[1] ?? 0);
}

/**
 * The built-in reply: `DONE <results>` after tool results, a tool call for `TOOL name {json}`,
 * else `echo: <text>` (`WAIT <ms>` in front delays the first answer). It depends only on the
 * request, so a retried call gets the same answer.
 */
export function echoReply(request: RecordedRequest): ScriptStep {
  if (request.toolResults.length > 0) {
    return { kind: 'text', text: `DONE ${request.toolResults.join('\n').slice(0, 200)}` };
  }
  const userText = WAIT_DIRECTIVE.exec(request.userText)?.[2] ?? request.userText;
  const directive = TOOL_DIRECTIVE.exec(userText);
  if (!directive) return { kind: 'text', text: `echo: ${request.userText}` };
  const [, name = '', json = ''] = directive;
  try {
    const parsed: unknown = JSON.parse(json.trim() || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    return { kind: 'tool_calls', calls: [{ name, arguments: parsed as Record<string, unknown> }] };
  } catch {
    return { kind: 'error', status: 400, message: `TOOL directive: ${json} is not a JSON object` };
  }
}

/** Start a fake on a free port of 127.0.0.1. */
export async function startFakeLlmServer(
  options: FakeLlmServerOptions = {},
): Promise<FakeLlmServer> {
  const queue: ScriptStep[] = [];
  const matchQueues = new Map<string, ScriptStep[]>();
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  const promptCache = options.promptCache
    ? new FakePromptCache(options.charsPerToken ?? 4)
    : undefined;
  let nextId = 0;
  const newId = () => String(++nextId).padStart(4, '0');

  const nextStep = (request: RecordedRequest): ScriptStep => {
    for (const [match, steps] of matchQueues) {
      const step = request.userText.includes(match) ? steps.shift() : undefined;
      if (step) return step;
    }
    return queue.shift() ?? (options.defaultReply ?? echoReply)(request);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const provider: LlmProvider =
      path.startsWith('/v1/messages') || req.headers['anthropic-version'] ? 'anthropic' : 'openai';
    const wire = provider === 'anthropic' ? anthropic : openai;
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const parsed = body === undefined ? undefined : wire.parseRequest(body);
    const ok = parsed && !('error' in parsed) ? parsed : undefined;
    const request: RecordedRequest = {
      provider,
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      model: ok?.model,
      stream: ok?.stream ?? false,
      ...unwrapUntrusted(ok?.userText ?? ''),
      toolResults: ok?.toolResults ?? [],
      inputTokens: Math.ceil(raw.length / (options.charsPerToken ?? 4)),
      overflowed: false,
    };
    requests.push(request);
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, wire.errorBody(status, message), {
        ...headers,
        ...wire.headers(newId()),
      });

    const key = provider === 'anthropic' ? (header(req, 'x-api-key') ?? bearer(req)) : bearer(req);
    if (options.apiKeys && !options.apiKeys.includes(key ?? '')) {
      return fail(
        401,
        provider === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided',
      );
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(
        res,
        200,
        wire.modelList(options.models ?? ['fake-model']),
        wire.headers(newId()),
      );
    }
    if (req.method !== 'POST' || path !== wire.path)
      return fail(404, `no route ${req.method} ${path}`);
    if (body === undefined) return fail(400, 'request body is not valid JSON');
    if (!ok) return fail(400, parsed && 'error' in parsed ? parsed.error : 'invalid request');
    if (options.models && !options.models.includes(ok.model))
      return fail(404, `model: ${ok.model}`);

    const { inputTokens } = request;
    if (options.contextWindow !== undefined) {
      const overflow = wire.contextOverflow(inputTokens, ok.maxTokens, options.contextWindow);
      if (overflow) {
        request.overflowed = true;
        return sendJson(res, 400, overflow, wire.headers(newId()));
      }
    }
    const step = nextStep(request);
    if (step.kind === 'error') {
      const retryAfter: Record<string, string> =
        step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) };
      return fail(step.status, step.message ?? `scripted ${step.status}`, retryAfter);
    }
    const reply = toReply(step, request, inputTokens, newId);
    if (promptCache) {
      reply.cache = promptCache[provider](body, inputTokens);
      request.cache = reply.cache;
    }
    const signal = AbortSignal.any([closing.signal, responseGone(res)]);
    if (await pause(options.latencyMs, signal)) return;
    if (await pause(waitDirectiveMs(request) || undefined, signal)) return;
    const cut = step.kind === 'stall' || step.kind === 'drop' ? step : undefined;
    if (cut && (cut.afterChunks === undefined || !ok.stream)) {
      if (cut.kind === 'drop') return void res.socket?.destroy();
      if (await pause(cut.ms ?? Infinity, signal)) return;
    }
    if (!ok.stream) {
      return sendJson(res, 200, wire.message(reply, newId()), wire.headers(newId()));
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...wire.headers(newId()),
    });
    res.flushHeaders();
    const plan = wire.stream(reply, newId(), ok.includeUsage);
    const chunkDelayMs = step.kind === 'slow' ? step.chunkDelayMs : options.chunkDelayMs;
    await writeStream(res, plan, { cut, chunkDelayMs, signal });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    // The Anthropic SDK appends `/v1/messages`; the OpenAI SDK appends `/chat/completions`.
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    script: (steps) => void queue.push(...steps),
    scriptFor: (match, steps) => {
      matchQueues.set(match, [...(matchQueues.get(match) ?? []), ...steps]);
    },
    pending: () =>
      [...matchQueues.values()].reduce((sum, steps) => sum + steps.length, queue.length),
    reset: () => {
      queue.length = 0;
      matchQueues.clear();
      requests.length = 0;
    },
    close: () => {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets of the SDKs' connection pools would hold close() open.
      server.closeAllConnections();
      return closed;
    },
  };
}

function toReply(
  step: Exclude<ScriptStep, { kind: 'error' }>,
  request: RecordedRequest,
  inputTokens: number,
  newId: () => string,
): Reply {
  const fallback = () => {
    const echo = echoReply(request);
    return echo.kind === 'text' ? echo.text : `echo: ${request.userText}`;
  };
  const text =
    step.kind === 'tool_calls'
      ? step.text
      : step.kind === 'stall' || step.kind === 'drop'
        ? (step.text ?? fallback())
        : step.text;
  const calls = step.kind === 'tool_calls' ? step.calls : [];
  const toolCalls = calls.map((call) => ({
    id: call.id ?? `${request.provider === 'anthropic' ? 'toolu' : 'call'}_fake_${newId()}`,
    name: call.name,
    argumentChunks: splitEvenly(JSON.stringify(call.arguments), 3),
  }));
  const outputChars =
    (text?.length ?? 0) + calls.reduce((sum, call) => sum + JSON.stringify(call).length, 0);
  return {
    model: request.model ?? 'fake-model',
    text:
      text === undefined
        ? undefined
        : step.kind === 'text' && step.chunks
          ? splitEvenly(text, step.chunks)
          : splitWords(text),
    toolCalls,
    inputTokens,
    outputTokens: Math.max(1, Math.ceil(outputChars / 4)),
  };
}

async function writeStream(
  res: ServerResponse,
  plan: SsePlan,
  options: {
    cut: Extract<ScriptStep, { kind: 'stall' | 'drop' }> | undefined;
    chunkDelayMs: number | undefined;
    signal: AbortSignal;
  },
): Promise<void> {
  const { cut, chunkDelayMs, signal } = options;
  const cutIndex = cut?.afterChunks === undefined ? -1 : cutPoint(plan, cut.afterChunks);
  let written = Promise.resolve();
  for (const [index, frame] of plan.frames.entries()) {
    if (index === cutIndex && cut?.kind === 'drop') {
      // Destroying the socket discards queued writes; the deltas before the cut must arrive.
      await written;
      return void res.socket?.destroy();
    }
    if (index === cutIndex && cut?.kind === 'stall' && (await pause(cut.ms ?? Infinity, signal))) {
      return;
    }
    if (frame.delta && (await pause(chunkDelayMs, signal))) return;
    written = new Promise((resolve) => res.write(frame.data, () => resolve()));
  }
  res.end();
}

/** Index of the frame before which a stream is cut: the (afterChunks+1)-th delta, at the latest the tail. */
function cutPoint(plan: SsePlan, afterChunks: number): number {
  let deltas = 0;
  for (const [index, frame] of plan.frames.entries()) {
    if (index === plan.tailStart || (frame.delta && deltas++ === afterChunks)) return index;
  }
  return plan.tailStart;
}

function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function splitEvenly(text: string, parts: number): string[] {
  const points = Array.from(text);
  const size = Math.max(1, Math.ceil(points.length / Math.max(1, parts)));
  const pieces: string[] = [];
  for (let start = 0; start < points.length; start += size)
    pieces.push(points.slice(start, start + size).join(''));
  return pieces;
}

/** Resolves true when the response should be abandoned (client gone or server closing). */
async function pause(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return true;
  if (!ms) return false;
  try {
    // setTimeout caps at 2^31-1 ms; a stall "forever" just needs to outlast any test.
    await sleep(Math.min(ms, 2 ** 31 - 1), undefined, { signal });
    return false;
  } catch {
    return true;
  }
}

function responseGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  return gone.signal;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}
