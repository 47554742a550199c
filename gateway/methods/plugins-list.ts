import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { defineMethod } from './types.js';

const registrations = z.object({
  channels: z.array(z.string()),
  tools: z.array(z.string()),
  gatewayMethods: z.array(z.string()),
  httpRoutes: z.array(z.string()),
  cliCommands: z.number(),
  services: z.array(z.string()),
  hooks: z.array(z.string()),
});

/** plugins.list: every plugin this gateway found, whether it loaded, and what it registered. */
export const pluginsListMethod = defineMethod({
  method: 'plugins.list',
  params: z.object({}).optional(),
  result: z.object({
    plugins: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        version: z.string().optional(),
        origin: z.string(),
        rootDir: z.string(),
        enabled: z.boolean(),
        enableReason: z.string(),
        status: z.enum(['loaded', 'disabled', 'error']),
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
  }),
  handler(_params, context) {
    const registry = context.gateway.deps.plugins;
    if (!registry) throw new ClawdbotError('UNAVAILABLE', 'this gateway loads no plugins');
    return {
      plugins: registry.records.map((record) => ({
        id: record.id,
        name: record.name,
        ...(record.version !== undefined ? { version: record.version } : {}),
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
  },
});
