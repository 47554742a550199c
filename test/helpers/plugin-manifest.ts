import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { zodFromJsonSchema } from '../../core/plugins/json-schema.js';
import { readManifest } from '../../core/plugins/manifest.js';
import type { PluginApi, PluginManifest, PluginService } from '../../core/plugins/types.js';
import { packageRoot } from '../../core/paths.js';

/** What a plugin's register() registered, by name. */
export interface Registrations {
  tools: string[];
  gatewayMethods: string[];
  httpRoutes: string[];
  services: PluginService[];
  hooks: string[];
  providers: string[];
  temporalPlugins: string[];
  channels: string[];
}

/** The manifest of the bundled plugin in extensions/<id>, read as the loader reads it. */
export function bundledManifest(id: string): PluginManifest {
  const read = readManifest(join(packageRoot, 'extensions', id));
  if (!read.ok) throw new Error(`extensions/${id}: ${read.reason}`);
  expect(read.manifest.id).toBe(id);
  return read.manifest;
}

/**
 * `plugins.entries.<id>.config` checked against the manifest's configSchema, as the loader
 * does before register() runs: the parsed value (defaults filled), or the issues' paths.
 */
export function checkPluginConfig(
  manifest: PluginManifest,
  input: unknown,
): { ok: true; config: Record<string, unknown> } | { ok: false; paths: string[] } {
  const result = zodFromJsonSchema(manifest.configSchema ?? {}).safeParse(input);
  return result.success
    ? { ok: true, config: result.data as Record<string, unknown> }
    : { ok: false, paths: result.error.issues.map((issue) => issue.path.join('.')) };
}

/** Run a plugin's register() against an API that records what it registers. */
export function recordRegistrations<PluginConfig>(
  manifest: PluginManifest,
  register: (api: PluginApi<PluginConfig>) => void,
  // Checked against the manifest (checkPluginConfig), as the loader checks it.
  pluginConfig: Record<string, unknown>,
): Registrations {
  const recorded: Registrations = {
    tools: [],
    gatewayMethods: [],
    httpRoutes: [],
    services: [],
    hooks: [],
    providers: [],
    temporalPlugins: [],
    channels: [],
  };
  const stateDir = mkdtempSync(join(tmpdir(), `clawdbot-plugin-${manifest.id}-`));
  const api: PluginApi<PluginConfig> = {
    id: manifest.id,
    name: manifest.name ?? manifest.id,
    origin: 'bundled',
    rootDir: join(packageRoot, 'extensions', manifest.id),
    pluginConfig: pluginConfig as PluginConfig,
    config: parseConfig({}, 'test'),
    logger: createLogger(`plugin:${manifest.id}`, 'warn'),
    stateDir,
    zod: z,
    resolvePath: (relative) => join(packageRoot, 'extensions', manifest.id, relative),
    modelProviders: () => undefined,
    registerChannel: (channel) => void recorded.channels.push(channel.id),
    registerTool: (tool) => void recorded.tools.push(tool.name),
    registerGatewayMethod: (method) => void recorded.gatewayMethods.push(method.method),
    registerHttpRoute: (route) => void recorded.httpRoutes.push(`${route.method} ${route.path}`),
    registerCli: () => undefined,
    registerService: (service) => void recorded.services.push(service),
    registerTemporalPlugin: (plugin) => void recorded.temporalPlugins.push(plugin.name),
    temporal: () => {
      throw new Error('register() must not reach Temporal');
    },
    registerProvider: (provider) => void recorded.providers.push(provider.id),
    registerHook: (hook) => void recorded.hooks.push(hook),
  };
  register(api);
  return recorded;
}
