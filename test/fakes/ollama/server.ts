/**
 * A fake Ollama server on 127.0.0.1: the two endpoints ClawdBot uses, on Ollama's wire.
 *  - `GET /api/tags`: the installed models (`{ models: [{ name, model, modified_at, size,
 *    digest, details }] }`), as Ollama's API docs describe it.
 *  - `/v1/*`: Ollama's OpenAI-compatible API. Requests naming a model that is not
 *    installed get Ollama's 404 (`model "x" not found, try pulling it first`); the rest go,
 *    byte for byte, to a scripted LLM server speaking OpenAI's wire (test/fakes/llm-server.ts),
 *    which streams the answer back through this server.
 * Ollama treats a model name without a tag as `<name>:latest`, and so does this fake.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttpFake, readBody, sendJson as sendAnyJson } from '../http-fake.js';
import type { FakeLlmServer } from '../llm-server.js';

/** An installed model, as /api/tags lists it. */
export interface FakeOllamaModel {
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
}

/** A running fake; `url` is what the plugin's `baseUrl` should be. */
export interface FakeOllama {
  url: string;
  /** Every request, in arrival order (method and path). */
  requests: { method: string; path: string; model?: string }[];
  close(): Promise<void>;
}

const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);

// Ollama names the charset in its JSON answers.
const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  sendAnyJson(response, status, body, { 'content-type': 'application/json; charset=utf-8' });

/** Start a fake Ollama with `models` installed, answering chats through `llm`. */
export async function startFakeOllama(options: {
  models: FakeOllamaModel[];
  llm: FakeLlmServer;
}): Promise<FakeOllama> {
  const requests: FakeOllama['requests'] = [];
  const installed = new Set(options.models.map((model) => withTag(model.name)));
  const upstream = new URL(options.llm.url);

  const tags = () => ({
    models: options.models.map((model, index) => ({
      name: withTag(model.name),
      model: withTag(model.name),
      modified_at: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
      size: 2_019_393_189 + index,
      digest: `${index}`.padStart(64, 'a'),
      details: {
        parent_model: '',
        format: 'gguf',
        family: model.family ?? 'llama',
        families: [model.family ?? 'llama'],
        parameter_size: model.parameterSize ?? '3.2B',
        quantization_level: model.quantization ?? 'Q4_K_M',
      },
    })),
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    let model: string | undefined;
    try {
      model = (JSON.parse(body.toString('utf8')) as { model?: string }).model;
    } catch {
      model = undefined;
    }
    requests.push({ method, path, ...(model !== undefined ? { model } : {}) });
    if (method === 'GET' && path === '/api/tags') return sendJson(response, 200, tags());
    if (method === 'GET' && path === '/api/version')
      return sendJson(response, 200, { version: '0.6.2' });
    if (method === 'GET' && path === '/') return void response.end('Ollama is running');
    if (!path.startsWith('/v1/')) return sendJson(response, 404, { error: 'not found' });
    if (model !== undefined && !installed.has(withTag(model))) {
      return sendJson(response, 404, {
        error: {
          message: `model "${model}" not found, try pulling it first`,
          type: 'api_error',
          param: null,
          code: null,
        },
      });
    }
    // The OpenAI half: the scripted LLM server answers, streamed back as it writes.
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    forwarded.end(body);
  };

  const http = await listenHttpFake(handle, { onError: (response) => response.destroy() });
  return { url: http.url, requests, close: http.close };
}
