// A fake OpenAI-compatible embeddings API on 127.0.0.1: POST /v1/embeddings with the
// documented request ({model, input: string | string[], dimensions?, encoding_format}) and
// response ({object: 'list', data: [{object: 'embedding', index, embedding}], model,
// usage}). Vectors are deterministic bags of words: each word (after a small synonym table
// folds paraphrases together) is hashed onto a few dimensions, so texts sharing meaning
// share direction, and the same text always gets the same vector.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Words the fake treats as one meaning (the first of each group stands for all). */
const synonyms: string[][] = [
  ['sister', 'sibling', 'sis'],
  ['adores', 'loves', 'love', 'likes', 'like', 'enjoys', 'fond'],
  ['sunflowers', 'sunflower', 'flowers', 'flower', 'blossoms', 'blooms'],
  ['car', 'automobile', 'vehicle', 'drives'],
  ['birthday', 'born', 'anniversary'],
  ['decided', 'decision', 'chose', 'agreed'],
];

const stopWords = new Set(
  'a an the is are was were of to in on at for and or my your our what which who does do did with it its that this by as be'.split(
    ' ',
  ),
);

const canonical = new Map(synonyms.flatMap((group) => group.map((word) => [word, group[0]!])));

/** Where a word lands: three dimensions and a sign each, from its sha256. */
type WordSlots = [index: number, sign: number][];

function slotsOf(word: string, dims: number): WordSlots {
  const digest = createHash('sha256').update(word).digest();
  return [0, 1, 2].map((probe) => [
    digest.readUInt32BE(probe * 4) % dims,
    digest[16 + probe]! & 1 ? 1 : -1,
  ]);
}

/**
 * The fake's embedding function for `dims` dimensions (tests and benches compute the same
 * vectors as the server). It remembers each word's slots: hashing every word of 100,000
 * chunks again would make a bench measure sha256 instead of the index.
 */
export function fakeEmbedder(dims: number): (text: string) => number[] {
  const slots = new Map<string, WordSlots>();
  return (text) => {
    const vector = new Array<number>(dims).fill(0);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    for (const raw of words) {
      if (stopWords.has(raw)) continue;
      const word = canonical.get(raw) ?? raw;
      let wordSlots = slots.get(word);
      if (!wordSlots) {
        wordSlots = slotsOf(word, dims);
        slots.set(word, wordSlots);
      }
      for (const [index, sign] of wordSlots) vector[index]! += sign;
    }
    // An empty text still needs a direction.
    if (!vector.some((value) => value !== 0)) vector[0] = 1;
    return vector;
  };
}

/** One request the fake answered. */
export interface EmbeddingRequest {
  model: string;
  inputs: string[];
  dimensions?: number;
  authorization?: string;
}

/** A running fake; point memory.embeddings.baseUrl at `baseUrl`. */
export interface FakeEmbeddingsServer {
  baseUrl: string;
  requests: EmbeddingRequest[];
  /** Texts embedded so far, over all requests. */
  embeddedTexts(): string[];
  close(): Promise<void>;
}

/** Dimensions of the fake's models unless the request asks for `dimensions`. */
const modelDims: Record<string, number> = { 'fake-embed-small': 64, 'fake-embed-large': 96 };

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

/** Start the fake on a free port of 127.0.0.1. */
export async function startFakeEmbeddingsServer(
  options: { apiKey?: string; delayMs?: number } = {},
): Promise<FakeEmbeddingsServer> {
  const requests: EmbeddingRequest[] = [];
  const embedders = new Map<number, (text: string) => number[]>();
  const embed = (text: string, dims: number) => {
    let embedder = embedders.get(dims);
    if (!embedder) {
      embedder = fakeEmbedder(dims);
      embedders.set(dims, embedder);
    }
    return embedder(text);
  };
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
        send(response, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        send(response, 401, {
          error: { message: 'Incorrect API key', type: 'invalid_request_error' },
        });
        return;
      }
      const payload = (await body(request)) as {
        model?: string;
        input?: string | string[];
        dimensions?: number;
      };
      const model = payload.model ?? '';
      const dims = payload.dimensions ?? modelDims[model];
      if (dims === undefined) {
        send(response, 404, {
          error: { message: `The model '${model}' does not exist`, type: 'invalid_request_error' },
        });
        return;
      }
      const inputs = typeof payload.input === 'string' ? [payload.input] : (payload.input ?? []);
      requests.push({
        model,
        inputs,
        ...(payload.dimensions !== undefined ? { dimensions: payload.dimensions } : {}),
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      // A slow server (a model on a CPU) leaves time to kill an indexer mid-way.
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const tokens = inputs.reduce((total, input) => total + input.split(/\s+/).length, 0);
      send(response, 200, {
        object: 'list',
        data: inputs.map((input, index) => ({
          object: 'embedding',
          index,
          embedding: embed(input, dims),
        })),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    })().catch((error: unknown) => send(response, 400, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddedTexts: () => requests.flatMap((request) => request.inputs),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
