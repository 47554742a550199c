import { z } from 'zod';
import { browserSchema } from './browser-schema.js';
import { skillsConfigSchema } from './skills-schema.js';
import { memorySchema } from './memory-schema.js';
import { imageModelSchema, ttsSchema } from './media-schema.js';
import { pluginsConfigSchema } from './plugins-schema.js';
import { sandboxSchema, securitySchema, toolsPolicyShape } from '../security/config-schema.js';
import { toolPolicyLayerSchema } from '../security/tool-policy.js';
import { compactionSchema, contextTokensSchema, sessionResetFields } from './context-schema.js';
import { messageToolSchema } from './message-tool-schema.js';

/**
 * `provider/model`, e.g. `anthropic/claude-sonnet-4-5`, `openai/gpt-4.1`, or a plugin
 * provider's `ollama/llama3.2`: whether a plugin provides the prefix is checked against the
 * plugin manifests (core/plugins/validate-config.ts), which this schema cannot see.
 */
export const modelRefSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*\/.+$/,
    'a model reference "anthropic/<model>", "openai/<model>" or "<plugin provider>/<model>"',
  );

const port = z.number().int().min(1).max(65535);

/** A worker host's id (it becomes part of a task queue name). */
export const hostIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" or "-" (at most 63)');

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
  workflowStackTraces: z
    .boolean()
    .default(false)
    .describe(
      "Answer the Temporal UI's stack trace query for running turns; costs every promise in workflow code a stack capture, so off unless debugging a stuck turn",
    ),
  uiUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The Temporal UI's address, for links to a turn's workflow; default the embedded dev server's UI (http://127.0.0.1:<dev.uiPort>)",
    ),
});

const agentSchema = z.strictObject({
  id: z.string().min(1).default('main'),
  model: modelRefSchema.default('anthropic/claude-sonnet-4-5'),
  fallbacks: z.array(modelRefSchema).default([]).describe('Tried in order on retryable errors'),
  workspace: z.string().optional().describe('Agent workspace; default <stateDir>/workspace'),
  maxSteps: z.number().int().min(1).max(200).default(24),
  systemPrompt: z.string().optional(),
  tools: toolPolicyLayerSchema.optional().describe("This agent's tool policy layer"),
  contextTokens: contextTokensSchema,
  compaction: compactionSchema.default(compactionSchema.parse({})),
  imageModel: imageModelSchema,
});

const approvalsSchema = z.strictObject({
  tools: z
    .array(z.string().min(1))
    .default([])
    .describe('Tool names whose every call waits for approval'),
  bashPatterns: z
    .array(
      z.string().refine((pattern) => {
        try {
          new RegExp(pattern);
          return true;
        } catch {
          return false;
        }
      }, 'a valid regular expression'),
    )
    .default([])
    .describe('Regular expressions; a bash command matching any of them waits for approval'),
  timeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(7 * 24 * 3600 * 1000)
    .default(10 * 60_000)
    .describe('Unanswered approvals are denied after this long'),
});

const sessionSchema = z.strictObject({
  queueMode: z.enum(['followup', 'collect', 'steer']).default('followup'),
  debounceMs: z.number().int().min(0).max(60_000).default(1500),
  dmScope: z
    .enum(['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'])
    .default('main')
    .describe(
      'Which session a channel direct message goes to: the main session (shared with ' +
        'WebChat), one per sender, one per channel and sender, or one per account and sender',
    ),
  ...sessionResetFields,
});

const workerSchema = z.strictObject({
  hostId: hostIdSchema
    .optional()
    .describe(
      "Names this worker's host in a cluster: sessions it creates keep their workspace here " +
        "and their file and shell tools run only here (default: the machine's hostname)",
    ),
  hostToolTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(24 * 3600 * 1000)
    .default(120_000)
    .describe(
      "How long a file or shell tool call waits for the worker of the session's host " +
        'before the model is told that host is unreachable',
    ),
  gatewayUrl: z
    .string()
    .regex(/^wss?:\/\/.+/, 'a ws:// or wss:// URL')
    .optional()
    .describe(
      'Where a worker in its own process sends progress events (default ws://127.0.0.1:<gateway.port>)',
    ),
});

const webFetchSchema = z.strictObject({
  allowHosts: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Host names or IP addresses web_fetch may reach although they are private or loopback ' +
        '(e.g. "127.0.0.1", "nas.lan"); matched exactly, case-insensitively',
    ),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(2 * 1024 * 1024)
    .describe('Bytes of a response web_fetch reads at most; the rest is not downloaded'),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    // The web_fetch activity times out at 45 s: the fetch must end well before it.
    .max(40_000)
    .default(20_000)
    .describe('Time web_fetch may take, redirects and body included'),
});

const webSearchSchema = z.strictObject({
  provider: z.enum(['brave', 'searxng']).optional().describe('Search API used by web_search'),
  baseUrl: z
    .url()
    .optional()
    .describe(
      'Search API base URL: default https://api.search.brave.com for brave, required for ' +
        'searxng. Yours, so the web_fetch private-address guard does not apply to it',
    ),
  apiKey: z.string().min(1).optional().describe('Brave Search API subscription token'),
});

const webToolsSchema = z.strictObject({
  fetch: webFetchSchema.default(webFetchSchema.parse({})),
  search: webSearchSchema.default({}),
});

const toolsSchema = z.strictObject({
  web: webToolsSchema.default(webToolsSchema.parse({})),
  message: messageToolSchema.default(messageToolSchema.parse({})),
  ...toolsPolicyShape,
});

const storeSchema = z.strictObject({
  postgresUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'a postgres:// URL')
    .optional()
    .describe(
      'Keep the sessions index and transcripts in this PostgreSQL database instead of ' +
        '<stateDir>/sessions (required when workers run on more than one host)',
    ),
});

/** The whole of clawdbot.json. Every section has defaults, so `{}` is a valid config. */
export const configSchema = z.strictObject({
  gateway: gatewaySchema.default(gatewaySchema.parse({})),
  temporal: temporalSchema.default(temporalSchema.parse({})),
  agent: agentSchema.default(agentSchema.parse({})),
  session: sessionSchema.default(sessionSchema.parse({})),
  approvals: approvalsSchema.default(approvalsSchema.parse({})),
  worker: workerSchema.default(workerSchema.parse({})),
  store: storeSchema.default({}),
  tools: toolsSchema.default(toolsSchema.parse({})),
  skills: skillsConfigSchema.default(skillsConfigSchema.parse({})),
  memory: memorySchema.default(memorySchema.parse({})),
  browser: browserSchema.default(browserSchema.parse({})),
  security: securitySchema.default(securitySchema.parse({})),
  sandbox: sandboxSchema.default(sandboxSchema.parse({})),
  tts: ttsSchema.default(ttsSchema.parse({})),
  // Each channels.<id> is validated by its channel's own schema in channels/runtime (core
  // does not know the channels); here it only has to be an object.
  channels: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .default({})
    .describe('Messaging channels (telegram, discord, slack...), one section per channel'),
  plugins: pluginsConfigSchema.default(pluginsConfigSchema.parse({})),
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
