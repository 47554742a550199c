/**
 * `plugins` in clawdbot.json: which plugins load and with what config. Only the shape is
 * checked here; ids and each plugin's own config are checked against the discovered
 * manifests by core/plugins/validate-config.ts (core/config cannot know the plugins).
 * Key names follow OpenClaw's, so a config written for it reads the same.
 */
import { z } from 'zod';

const pluginIdSchema = z.string().min(1);

const pluginEntrySchema = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe('Load this plugin (true), or never load it (false); unset follows the defaults'),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("The plugin's own options, checked against its manifest's configSchema"),
});

/** The `plugins` section. */
export const pluginsConfigSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Master switch: false loads no plugin at all, bundled or installed'),
  allow: z
    .array(pluginIdSchema)
    .default([])
    .describe('When not empty, only these plugin ids may load'),
  deny: z
    .array(pluginIdSchema)
    .default([])
    .describe('Plugin ids that never load; deny wins over allow and entries'),
  load: z
    .strictObject({
      paths: z
        .array(z.string().min(1))
        .default([])
        .describe(
          'Extra plugin folders (a plugin, or a folder of plugins); searched before all others',
        ),
    })
    .default({ paths: [] }),
  entries: z
    .record(pluginIdSchema, pluginEntrySchema)
    .default({})
    .describe('Per plugin id: enabled and config'),
});

/** The validated `plugins` section. */
export type PluginsConfig = z.output<typeof pluginsConfigSchema>;
