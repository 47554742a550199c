/**
 * Which model the `image` tool asks: the one named in the call, else `agent.imageModel`,
 * else the first of the agent's own models (primary, then fallbacks) known to take images.
 * Known means listed below by id prefix; a model we do not know is not guessed at, since
 * a text-only model sent an image fails or, worse, answers without having seen it.
 */
import type { Config } from '../../core/config/schema.js';
import { parseModelRef, type ModelRef } from '../llm/model-ref.js';
import { ToolError } from './tool.js';

/** Id prefixes of model families that accept image input (bare ids, lowercased). */
const visionPrefixes: readonly string[] = [
  'claude-3',
  'claude-opus-4',
  'claude-sonnet-4',
  'claude-haiku-4',
  'claude-4',
  'gpt-4o',
  'gpt-4.1',
  'gpt-4-turbo',
  'gpt-4-vision',
  'gpt-5',
  'o1',
  'o3',
  'o4',
  'chatgpt-4o',
  'gemini',
  'gemma-3',
  'gemma3',
  'llava',
  'bakllava',
  'pixtral',
  'qwen2-vl',
  'qwen2.5-vl',
  'qwen-vl',
  'minicpm-v',
  'llama-3.2-11b-vision',
  'llama-3.2-90b-vision',
  'llama3.2-vision',
  'llama-4',
];

/** Text-only members of otherwise visual families. */
const textOnly: readonly string[] = ['o1-mini', 'o3-mini', 'claude-3-5-haiku'];

/** Whether a model reference (or bare id) is known to accept images. */
export function acceptsImages(modelRef: string): boolean {
  const id = modelRef.slice(modelRef.indexOf('/') + 1).toLowerCase();
  // OpenRouter-style ids carry a vendor prefix ("anthropic/claude-...", "meta-llama/...").
  const bare = id.slice(id.lastIndexOf('/') + 1);
  if (textOnly.some((prefix) => bare.startsWith(prefix))) return false;
  return visionPrefixes.some((prefix) => bare.startsWith(prefix));
}

/** The model to ask, or NO_VISION_MODEL naming what was considered. */
export function pickVisionModel(requested: string | undefined, config: Config | undefined) {
  const configured = requested ?? config?.agent.imageModel;
  if (configured !== undefined) return { ref: configured, parsed: parse(configured) };
  const candidates = config ? [config.agent.model, ...config.agent.fallbacks] : [];
  const found = candidates.find(acceptsImages);
  if (found !== undefined) return { ref: found, parsed: parse(found) };
  throw new ToolError(
    'NO_VISION_MODEL',
    `None of the agent's models (${candidates.join(', ') || 'none'}) is known to accept ` +
      'images. Set agent.imageModel to a vision model (e.g. "anthropic/claude-sonnet-4-5" or ' +
      '"openai/gpt-4.1"), or pass `model`.',
    { models: candidates },
  );
}

function parse(ref: string): ModelRef {
  try {
    return parseModelRef(ref);
  } catch {
    throw new ToolError(
      'INVALID_ARGUMENTS',
      `"${ref}" is not a model reference: write "anthropic/<model>" or "openai/<model>".`,
      { model: ref },
    );
  }
}
