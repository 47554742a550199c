/**
 * Which "models" the OpenAI-compatible API offers: the agent (`clawdbot`,
 * `clawdbot:<agentId>`) and, as aliases of it, the configured model references.
 */
import type { Config } from '../../core/config/schema.js';

/** The model names a client may pass, in the order GET /v1/models lists them. */
export function modelIds(config: Config): string[] {
  const { id, model, fallbacks } = config.agent;
  return [...new Set(['clawdbot', `clawdbot:${id}`, model, ...fallbacks])];
}

/**
 * The agent a model name selects, or undefined when it names nothing configured. A model
 * reference runs the same agent with its configured model order: a turn cannot (yet)
 * choose its own model.
 */
export function agentForModel(model: string, config: Config): string | undefined {
  return modelIds(config).includes(model) ? config.agent.id : undefined;
}

/** OpenAI's model list. */
export function modelList(config: Config, createdAt: number) {
  const created = Math.floor(createdAt / 1000);
  return {
    object: 'list' as const,
    data: modelIds(config).map((id) => ({
      id,
      object: 'model' as const,
      created,
      owned_by: id.startsWith('clawdbot') ? 'clawdbot' : (id.split('/')[0] ?? 'clawdbot'),
    })),
  };
}
