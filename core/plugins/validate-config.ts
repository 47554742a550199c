/**
 * Plugin config checked against the discovered manifests, before any plugin code runs:
 * unknown ids in `plugins.entries|allow|deny`, each enabled plugin's
 * `plugins.entries.<id>.config` against its `configSchema`, and the `channels.<id>`
 * sections of its channels against `channelConfigSchemas` plus the common account keys.
 * Problems stop start-up with the file, the field and the expectation, like any config error.
 */
import { accountsOf } from '../../channels/shared/config.js';
import type { Config } from '../config/schema.js';
import { ClawdbotError } from '../errors.js';
import type { PluginDiscovery } from './discovery.js';
import { resolveEnableState } from './enablement.js';
import { channelAccountSchemaFromJson, zodFromJsonSchema } from './json-schema.js';
import { knownProviderIds } from './providers.js';

/** One problem: the dotted field and what was expected. */
export interface PluginConfigIssue {
  field: string;
  message: string;
}

/** Every problem with the plugin parts of `config` (empty when it is fine). */
export function pluginConfigIssues(
  config: Config,
  discovery: PluginDiscovery,
): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = [];
  // A plugin whose manifest is broken is reported and skipped, but its id is still known:
  // its entry in config must not turn a plugin problem into a stopped gateway.
  const known = new Set([
    ...discovery.plugins.map((plugin) => plugin.id),
    ...discovery.problems.flatMap((problem) => (problem.id !== undefined ? [problem.id] : [])),
  ]);
  const knownText = [...known].sort().join(', ') || 'none found';
  const unknownId = (field: string, id: string) =>
    issues.push({ field, message: `unknown plugin id "${id}" (plugins found: ${knownText})` });
  config.plugins.allow.forEach((id, index) => {
    if (!known.has(id)) unknownId(`plugins.allow.${index}`, id);
  });
  config.plugins.deny.forEach((id, index) => {
    if (!known.has(id)) unknownId(`plugins.deny.${index}`, id);
  });
  for (const id of Object.keys(config.plugins.entries)) {
    if (!known.has(id)) unknownId(`plugins.entries.${id}`, id);
  }
  // A model ref's provider is built in or declared by an enabled plugin's manifest.
  const providers = knownProviderIds(config, discovery);
  const refs: [string, string][] = [
    ['agent.model', config.agent.model],
    ...config.agent.fallbacks.map((ref, index): [string, string] => [
      `agent.fallbacks.${index}`,
      ref,
    ]),
  ];
  for (const [field, ref] of refs) {
    const provider = ref.slice(0, ref.indexOf('/'));
    if (!providers.includes(provider))
      issues.push({
        field,
        message: `unknown model provider "${provider}" (known: ${providers.join(', ')}; a plugin's provider needs its plugin enabled)`,
      });
  }
  for (const plugin of discovery.plugins) {
    if (!resolveEnableState(plugin, config).enabled) continue;
    const schema = zodFromJsonSchema(plugin.manifest.configSchema);
    const result = schema.safeParse(config.plugins.entries[plugin.id]?.config ?? {});
    if (!result.success) {
      for (const issue of result.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const path = [...issue.path.map(String), ...(key === undefined ? [] : [key])];
          issues.push({
            field: [`plugins.entries.${plugin.id}.config`, ...path].join('.'),
            message: issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message,
          });
        }
      }
    }
    for (const channel of plugin.manifest.channels ?? []) {
      const section = config.channels[channel];
      if (section === undefined) continue;
      const channelSchema = channelAccountSchemaFromJson(
        plugin.manifest.channelConfigSchemas?.[channel] ?? {},
      );
      try {
        accountsOf(section, channelSchema, channel);
      } catch (error) {
        if (!(error instanceof ClawdbotError)) throw error;
        const details = error.details as
          { field?: string; issues?: PluginConfigIssue[] } | undefined;
        if (details?.issues) issues.push(...details.issues);
        else
          issues.push({ field: details?.field ?? `channels.${channel}`, message: error.message });
      }
    }
  }
  return issues;
}

/** Throw CONFIG_INVALID naming the file, each field and what it expects, if anything is wrong. */
export function assertPluginConfig(config: Config, discovery: PluginDiscovery, file: string): void {
  const issues = pluginConfigIssues(config, discovery);
  if (issues.length === 0) return;
  const lines = issues.map((issue) => `  - ${issue.field}: ${issue.message}`);
  throw new ClawdbotError('CONFIG_INVALID', `Invalid config in ${file}:\n${lines.join('\n')}`, {
    file,
    issues: issues.map((issue) => ({ path: issue.field.split('.'), message: issue.message })),
  });
}
