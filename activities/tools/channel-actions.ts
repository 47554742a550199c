/**
 * What the four `<channel>_actions` tools share: each is an activity on its channel's task
 * queue (the gateway process hosting the accounts), checks the action's group
 * (`channels.<id>.actions.<group>`) before touching the platform, and hands the validated
 * input to the account handle's `action(name, params)`, which uses the platform SDK.
 */
import { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import { actionDisabledText, actionGroupEnabled } from '../../channels/shared/actions.js';
import { ChannelSendError } from '../../channels/types.js';
import { ToolError, defineTool, type ToolDefinition, type ToolResult } from './tool.js';

/** One action of a channel tool: its group, whether the group is on by default, its fields. */
export interface ChannelActionSpec {
  group: string;
  /** Default true; false for actions on people (moderation, roles). */
  defaultOn?: boolean;
  /** Input fields the action cannot do without. */
  requires: readonly string[];
}

/** Whether `channels.<id>` is there and not switched off: the tool is offered then. */
export function channelConfigured(config: Config, channel: string): boolean {
  const section = config.channels[channel];
  return section !== undefined && section.enabled !== false;
}

/** The `accountId` field every channel tool has. */
export const accountIdField = z
  .string()
  .min(1)
  .optional()
  .describe('Which bot account of the channel (default: the "default" account, or the only one)');

/** How much of an action's JSON result the model gets. */
const resultCap = 12_000;

function resultText(channel: string, action: string, result: unknown): string {
  if (result === undefined || result === null || result === true)
    return `${channel} ${action}: done.`;
  const json = JSON.stringify(result, null, 1);
  return json.length > resultCap
    ? `${json.slice(0, resultCap)}\n… (cut at ${resultCap} characters)`
    : json;
}

/** Declare a `<channel>_actions` tool from its schema and action table. */
export function defineChannelActionsTool<
  S extends z.ZodObject<{ action: z.ZodEnum; accountId: typeof accountIdField }>,
>(options: {
  channel: string;
  description: string;
  inputSchema: S;
  actions: Record<z.output<S>['action'], ChannelActionSpec>;
}): ToolDefinition<S> {
  const { channel, actions } = options;
  const name = `${channel}_actions`;
  return defineTool({
    name,
    description: options.description,
    inputSchema: options.inputSchema,
    // A poll or a ban done twice is not done once: never retried after it started.
    policy: { startToCloseTimeoutMs: 60_000, maximumAttempts: 1, idempotent: false, channel },
    available: (config) => channelConfigured(config, channel),
    async execute(input, context): Promise<ToolResult> {
      const params = input as Record<string, unknown> & { action: string; accountId?: string };
      const spec = (actions as Record<string, ChannelActionSpec>)[params.action];
      if (!spec)
        throw new ToolError('ACTION_UNSUPPORTED', `${name} has no action "${params.action}".`);
      const missing = spec.requires.filter((field) => params[field] === undefined);
      if (missing.length > 0) {
        throw new ToolError(
          'INVALID_ARGUMENTS',
          `${name} "${params.action}" needs ${missing.map((field) => `"${field}"`).join(', ')}.`,
        );
      }
      if (!context.channels) {
        throw new ToolError(
          'UNAVAILABLE',
          `${name} runs only in the gateway process that hosts ${channel}; this worker has no channels.`,
        );
      }
      const account = context.channels.account(channel, params.accountId);
      if ('error' in account) throw new ToolError('CHANNEL_NOT_RUNNING', account.error);
      if (!actionGroupEnabled(account.options, spec.group, spec.defaultOn ?? true)) {
        throw new ToolError(
          'ACTION_DISABLED',
          actionDisabledText(name, channel, params.action, spec.group),
          { group: spec.group },
        );
      }
      if (!account.handle.action) {
        throw new ToolError('ACTION_UNSUPPORTED', `The ${channel} channel offers no actions.`);
      }
      let result: unknown;
      try {
        result = await account.handle.action(params.action, params);
      } catch (error) {
        if (error instanceof ToolError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const later =
          error instanceof ChannelSendError &&
          (error.options.retryable || error.options.retryAfterMs !== undefined);
        // Not retried by Temporal (a second poll is not the first one): the model decides.
        throw new ToolError(
          'ACTION_FAILED',
          later
            ? `${channel} ${params.action} failed for now, it may work later: ${message}`
            : `${channel} refused ${params.action}: ${message}`,
        );
      }
      return {
        text: resultText(channel, params.action, result),
        details: { channel, accountId: account.accountId, action: params.action },
      };
    },
  });
}
