/**
 * Ollama's model list: `GET /api/tags` answers the locally installed models
 * (`{ models: [{ name, model, modified_at, size, digest, details }] }`, per Ollama's API
 * docs). Only the fields shown to users are required; the rest may come and go.
 */
import { z } from 'zod';
import type { ProviderModel } from '../../core/plugins/types.js';

const tagsResponse = z.object({
  models: z.array(
    z.looseObject({
      name: z.string().min(1),
      model: z.string().optional(),
      details: z
        .looseObject({
          parameter_size: z.string().optional(),
          quantization_level: z.string().optional(),
        })
        .optional(),
    }),
  ),
});

/** Thrown when the server cannot be reached or answers something else than a tag list. */
export class OllamaListError extends Error {
  override readonly name = 'OllamaListError';
  readonly code = 'OLLAMA_LIST_FAILED';
}

/** Headers for a server behind an authenticating proxy. */
export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}

/** The installed models, named as Ollama names them (`llama3.2:latest`). */
export async function listOllamaModels(
  baseUrl: string,
  options: { apiKey?: string | undefined; signal?: AbortSignal | undefined },
): Promise<ProviderModel[]> {
  const url = new URL('api/tags', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: authHeaders(options.apiKey),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw new OllamaListError(`Ollama at ${baseUrl} is not reachable: ${(error as Error).message}`);
  }
  if (!response.ok)
    throw new OllamaListError(`Ollama at ${baseUrl} answered HTTP ${response.status} to /api/tags`);
  const parsed = tagsResponse.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw new OllamaListError(`Ollama at ${baseUrl} sent a /api/tags answer without a model list`);
  return parsed.data.models.map((model) => {
    const facts = [model.details?.parameter_size, model.details?.quantization_level].filter(
      (fact): fact is string => Boolean(fact),
    );
    return {
      id: model.name,
      name: facts.length > 0 ? `${model.name} (${facts.join(', ')})` : model.name,
    };
  });
}
