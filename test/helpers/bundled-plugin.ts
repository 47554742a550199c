import path from 'node:path';
import { expect } from 'vitest';
import type { pluginsListResult } from '../../gateway/methods/plugins-list.js';
import type { z } from 'zod';

type PluginsList = z.infer<typeof pluginsListResult>;
type Listed = PluginsList['plugins'][number];

/**
 * Asks the gateway's plugins.list for `id` and checks it is the bundled copy at `folder`
 * (such as 'extensions/llm-task', relative to the repository) and that it loaded: a test of
 * a bundled plugin then fails if another copy (a user's, shadowing it) or none was used.
 */
export async function expectBundledPluginLoaded(
  call: (method: string, params?: unknown) => Promise<unknown>,
  id: string,
  folder: string,
): Promise<Listed> {
  const { plugins, shadowed } = (await call('plugins.list', {})) as PluginsList;
  const plugin = plugins.find((candidate) => candidate.id === id);
  expect(plugin, `plugins.list names ${id}`).toBeDefined();
  expect(plugin).toMatchObject({ origin: 'bundled', enabled: true, status: 'loaded' });
  expect(path.resolve(plugin!.rootDir)).toBe(path.resolve(import.meta.dirname, '../..', folder));
  expect(shadowed.filter((entry) => entry.id === id)).toEqual([]);
  return plugin!;
}
