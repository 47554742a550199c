/**
 * The activities of each channel's own tools (telegram_actions, discord_actions,
 * slack_actions, and plugin channels' such as whatsapp_actions), as the gateway process serves them beside its channel accounts: the
 * same tool activities as a worker's, limited to that channel's tools and given its
 * accounts. What they record and publish passes the same redaction as a worker's.
 */
import { join } from 'node:path';
import { createToolActivities } from '../../activities/tool-activities.js';
import { tools as builtInTools } from '../../activities/tools/index.js';
import type { ChannelToolHost, ToolDefinition } from '../../activities/tools/tool.js';
import type { Config } from '../../core/config/schema.js';
import type { EventBus } from '../../core/events/types.js';
import type { StatePaths } from '../../core/paths.js';
import {
  collectSecrets,
  createRedactor,
  redactingBus,
  redactingStore,
} from '../../core/security/redact.js';
import type { SessionStore } from '../../core/sessions/index.js';

/** The manager's `channelTools` option for this process. */
export function channelToolActivities(deps: {
  config: Config;
  paths: StatePaths;
  store: SessionStore;
  bus: EventBus;
  /** Every tool of this process, plugins' included (whatsapp_actions comes with its plugin). */
  tools?: readonly ToolDefinition[];
}) {
  const tools = deps.tools ?? builtInTools;
  const redactor = createRedactor(collectSecrets(deps.config));
  return (channel: string, host: ChannelToolHost): object | undefined => {
    const own = tools.filter((tool) => tool.policy.channel === channel);
    if (own.length === 0) return undefined;
    return createToolActivities({
      store: redactingStore(deps.store, redactor),
      bus: redactingBus(deps.bus, redactor),
      config: deps.config,
      workspaceDir: deps.paths.workspaceDir,
      sandboxesDir: join(deps.paths.stateDir, 'sandboxes'),
      tools: own,
      channels: host,
    });
  };
}
