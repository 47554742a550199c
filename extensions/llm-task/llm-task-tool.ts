/**
 * `llm_task`: one JSON-only LLM step. The model is given a task, its input and a JSON
 * Schema, and must answer with JSON alone; a reply that is not JSON or does not match is
 * shown its problem and asked again, up to `maxAttempts`. The whole step is the tool's
 * activity (`tool.llm_task`): a provider failure (rate limit, network) fails the attempt
 * and Temporal retries it; only a valid value, or the last problem, reaches the turn.
 */
import { z } from 'zod';
import { generate } from '../../activities/llm/generate.js';
import { LlmError } from '../../activities/llm/errors.js';
import type { ToolDefinition, ToolResult } from '../../activities/tools/tool.js';
import { messageText, type Message } from '../../core/messages.js';
import { checkReply, schemaValidator } from './json-reply.js';

/** `plugins.entries.llm-task.config` after the manifest's defaults. */
export interface LlmTaskConfig {
  defaultModel?: string;
  allowedModels?: string[];
  maxAttempts?: number;
  maxTokens?: number;
  timeoutMs?: number;
}

const inputSchema = z.object({
  prompt: z.string().min(1).describe('What to do, e.g. "Extract the sender and the due date".'),
  input: z
    .unknown()
    .optional()
    .describe('The data the task works on (any JSON value: text, an object, a list).'),
  schema: z
    .record(z.string(), z.unknown())
    .describe('JSON Schema the answer must match (e.g. {"type":"object","properties":{...}}).'),
  model: z
    .string()
    .optional()
    .describe('Model as "provider/model"; default: the configured one. Usually leave it out.'),
  maxTokens: z.number().int().min(16).max(65536).optional().describe('Output cap of the answer.'),
});

const systemPrompt =
  'You are a JSON function. Answer with one JSON value that matches the JSON Schema you are ' +
  'given: no prose, no explanation, no Markdown fence. Use only what the task and its input ' +
  'support; where the schema allows null for unknown values, use null rather than guessing.';

/** The task as the model reads it; the marker lines are how a reply can be traced to it. */
export function taskText(prompt: string, input: unknown, schema: Record<string, unknown>): string {
  return [
    `Task: ${prompt}`,
    input === undefined ? 'Input: (none)' : `Input (JSON):\n${JSON.stringify(input, null, 2)}`,
    `JSON Schema of the answer:\n${JSON.stringify(schema, null, 2)}`,
  ].join('\n\n');
}

/** What the next attempt is told about the last reply. */
export function retryText(problem: string): string {
  return `Your answer was not valid: ${problem}\n\nAnswer again with only the JSON value, matching the schema.`;
}

const failed = (text: string, code: string, details: Record<string, unknown> = {}): ToolResult => ({
  text,
  isError: true,
  details: { code, ...details },
});

/** The tool, with the plugin's settings. */
export function llmTaskTool(settings: LlmTaskConfig): ToolDefinition<typeof inputSchema> {
  const maxAttempts = settings.maxAttempts ?? 3;
  const allowed = settings.allowedModels ?? [];
  const timeoutMs = settings.timeoutMs ?? 120_000;
  return {
    name: 'llm_task',
    description:
      'Run one JSON-only LLM step: give a task (`prompt`), its `input` and a JSON Schema; get ' +
      'back JSON that matches the schema (checked, and retried when the model answers ' +
      'something else). For extraction, classification and other structured steps.',
    inputSchema,
    // No side effects: running it again is only another model call.
    policy: {
      startToCloseTimeoutMs: timeoutMs,
      maximumAttempts: 3,
      idempotent: true,
      heartbeatTimeoutMs: 60_000,
    },
    async execute(args, context) {
      const model = args.model ?? settings.defaultModel ?? context.config?.agent.model;
      if (model === undefined)
        return failed('llm_task: no model is configured.', 'LLM_TASK_NO_MODEL');
      if (args.model !== undefined && allowed.length > 0 && !allowed.includes(args.model))
        return failed(
          `llm_task: model "${args.model}" is not allowed (allowed: ${allowed.join(', ')}).`,
          'LLM_TASK_MODEL_NOT_ALLOWED',
        );
      let validator;
      try {
        validator = schemaValidator(args.schema);
      } catch (error) {
        return failed(
          `llm_task: \`schema\` is not a usable JSON Schema: ${(error as Error).message}`,
          'INVALID_ARGUMENTS',
        );
      }
      const messages: Message[] = [
        {
          role: 'user',
          content: [{ type: 'text', text: taskText(args.prompt, args.input, args.schema) }],
          timestamp: 0,
        },
      ];
      let problem = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        let reply;
        try {
          reply = await generate({
            models: [model],
            system: systemPrompt,
            messages,
            tools: [],
            maxTokens: args.maxTokens ?? settings.maxTokens ?? 2048,
            signal: context.signal,
            providers: context.config!.providers,
            modelProviders: context.modelProviders,
            onChunk: () => context.heartbeat({ attempt }),
          });
        } catch (error) {
          // A fatal provider error (bad key, unknown model) is the caller's to fix; a
          // retryable one fails the activity so Temporal tries again.
          if (error instanceof LlmError && error.kind === 'fatal')
            return failed(`llm_task: ${error.message}`, 'LLM_TASK_MODEL_FAILED', {
              llmCode: error.code,
            });
          throw error;
        }
        const text = messageText({ role: 'assistant', ...reply, timestamp: 0 });
        const verdict = checkReply(text, validator);
        if (verdict.ok)
          return {
            text: JSON.stringify(verdict.value),
            details: { json: verdict.value, attempts: attempt, model },
          };
        problem = verdict.problem;
        messages.push(
          { role: 'assistant', ...reply, timestamp: 0 },
          { role: 'user', content: [{ type: 'text', text: retryText(problem) }], timestamp: 0 },
        );
      }
      return failed(
        `llm_task: no valid JSON after ${maxAttempts} attempt(s); the last answer: ${problem}`,
        'LLM_TASK_INVALID_OUTPUT',
        { attempts: maxAttempts },
      );
    },
  };
}
