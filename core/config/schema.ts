import { z } from 'zod';

/** `provider/model`, e.g. `anthropic/claude-sonnet-4-5` or `openai/gpt-4.1`. */
export const modelRefSchema = z
  .string()
  .regex(/^(anthropic|openai)\/.+$/, 'a model reference "anthropic/<model>" or "openai/<model>"');

const port = z.number().int().min(1).max(65535);

const providerSchema = z.strictObject({
  apiKey: z.string().min(1).optional().describe('API key; the environment variable overrides it'),
  baseUrl: z.url().optional().describe('Base URL of the API (OpenAI-compatible servers, proxies)'),
});

const gatewaySchema = z.strictObject({
  bind: z.string().default('127.0.0.1').describe('Address the gateway listens on'),
  port: port.default(18789),
  auth: z
    .strictObject({
      token: z.string().min(8).optional(),
      password: z.string().min(8).optional(),
    })
    .default({}),
});

const temporalSchema = z.strictObject({
  address: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'host:port')
    .optional()
    .describe('An existing Temporal server; when unset the dev server is embedded'),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('clawdbot'),
  dev: z
    .strictObject({
      port: port.default(7233),
      uiPort: port.default(8233),
      headless: z.boolean().default(false).describe('Run the embedded server without its Web UI'),
    })
    .default({ port: 7233, uiPort: 8233, headless: false }),
});

const agentSchema = z.strictObject({
  id: z.string().min(1).default('main'),
  model: modelRefSchema.default('anthropic/claude-sonnet-4-5'),
  fallbacks: z.array(modelRefSchema).default([]).describe('Tried in order on retryable errors'),
  workspace: z.string().optional().describe('Agent workspace; default <stateDir>/workspace'),
  maxSteps: z.number().int().min(1).max(200).default(24),
  systemPrompt: z.string().optional(),
});

const sessionSchema = z.strictObject({
  queueMode: z.enum(['followup', 'collect', 'steer']).default('followup'),
  debounceMs: z.number().int().min(0).max(60_000).default(1500),
});

const workerSchema = z.strictObject({
  gatewayUrl: z
    .string()
    .regex(/^wss?:\/\/.+/, 'a ws:// or wss:// URL')
    .optional()
    .describe('Where a worker in its own process sends progress events (default ws://127.0.0.1:<gateway.port>)'),
});

/** The whole of clawdbot.json. Every section has defaults, so `{}` is a valid config. */
export const configSchema = z.strictObject({
  gateway: gatewaySchema.default(gatewaySchema.parse({})),
  temporal: temporalSchema.default(temporalSchema.parse({})),
  agent: agentSchema.default(agentSchema.parse({})),
  session: sessionSchema.default(sessionSchema.parse({})),
  worker: workerSchema.default({}),
  providers: z
    .strictObject({
      anthropic: providerSchema.default({}),
      openai: providerSchema.default({}),
    })
    .default({ anthropic: {}, openai: {} }),
});

/** Config as written by the user (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** Config after validation and defaults. */
export type Config = z.output<typeof configSchema>;
