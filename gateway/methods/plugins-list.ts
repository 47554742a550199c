import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import type { PluginRegistry } from '../../core/plugins/registry.js';
import { defineMethod } from './types.js';

const registrations = z.object({
  channels: z.array(z.string()),
  tools: z.array(z.string()),
  gatewayMethods: z.array(z.string()),
  httpRoutes: z.array(z.string()),
  cliCommands: z.number(),
  services: z.array(z.string()),
  providers: z.array(z.string()),
  hooks: z.array(z.string()),
});

/** What plugins.list answers (and `clawdbot plugins list --json` prints). */
export const pluginsListResult = z.object({
  plugins: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      version: z.string().optional(),
      kind: z.string().optional(),
      description: z.string().optional(),
      channels: z.array(z.string()),
      origin: z.string(),
      rootDir: z.string(),
      enabled: z.boolean(),
      enableReason: z.string(),
      status: z.enum(['loaded', 'disabled', 'error', 'enabled']),
      error: z.string().optional(),
      registered: registrations,
    }),
  ),
  problems: z.array(
    z.object({
      rootDir: z.string(),
      origin: z.string(),
      id: z.string().optional(),
      stage: z.string(),
      reason: z.string(),
    }),
  ),
  shadowed: z.array(
    z.object({
      id: z.string(),
      origin: z.string(),
      rootDir: z.string(),
      shadowedBy: z.object({ origin: z.string(), rootDir: z.string() }),
    }),
  ),
});

/** A registry as the plugins.list answer: shared by the method and the local CLI. */
export function describePluginRegistry(
  registry: PluginRegistry,
): z.infer<typeof pluginsListResult> {
  return {
    plugins: registry.records.map((record) => ({
      id: record.id,
      name: record.name,
      ...(record.version !== undefined ? { version: record.version } : {}),
      ...(record.kind !== undefined ? { kind: record.kind } : {}),
      ...(record.description !== undefined ? { description: record.description } : {}),
      channels: record.channels,
      origin: record.origin,
      rootDir: record.rootDir,
      enabled: record.enabled,
      enableReason: record.enableReason,
      status: record.status,
      ...(record.error !== undefined ? { error: record.error } : {}),
      registered: record.registered,
    })),
    problems: registry.problems,
    shadowed: registry.shadowed,
  };
}

/** plugins.list: every plugin this gateway found, whether it loaded, and what it registered. */
export const pluginsListMethod = defineMethod({
  method: 'plugins.list',
  params: z.object({}).optional(),
  result: pluginsListResult,
  handler(_params, context) {
    const registry = context.gateway.deps.plugins;
    if (!registry) throw new ClawdbotError('UNAVAILABLE', 'this gateway loads no plugins');
    return describePluginRegistry(registry);
  },
});
