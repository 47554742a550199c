/**
 * Finding plugins on disk, in precedence order (the first folder with an id wins):
 * `plugins.load.paths` → `<workspace>/.clawdbot/extensions/` → `<stateDir>/extensions/` →
 * the bundled `extensions/` of this checkout. Only manifests are read here; no plugin
 * code runs. A missing root (e.g. no bundled `extensions/` yet) is simply empty.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../paths.js';
import { manifestFileName, readManifest } from './manifest.js';
import type { PluginManifest, PluginOrigin } from './types.js';

/** A plugin folder with a valid manifest. */
export interface DiscoveredPlugin {
  id: string;
  manifest: PluginManifest;
  origin: PluginOrigin;
  rootDir: string;
  entryPath: string;
}

/** A plugin folder that cannot be used, and why (reported, never fatal). */
export interface PluginProblem {
  rootDir: string;
  origin: PluginOrigin;
  /** The id, when the manifest got far enough to name one. */
  id?: string;
  /** `manifest`: found but unreadable; `load`: its entry failed to import or register. */
  stage: 'manifest' | 'load';
  reason: string;
}

/** A plugin hidden by another with the same id found earlier. */
export interface ShadowedPlugin {
  id: string;
  origin: PluginOrigin;
  rootDir: string;
  shadowedBy: { origin: PluginOrigin; rootDir: string };
}

/** Everything discovery found. */
export interface PluginDiscovery {
  plugins: DiscoveredPlugin[];
  problems: PluginProblem[];
  shadowed: ShadowedPlugin[];
}

/** Where to look. */
export interface DiscoveryRoots {
  /** `plugins.load.paths`, each a plugin folder or a folder of plugins. */
  loadPaths: readonly string[];
  workspaceDir: string;
  stateDir: string;
  /** The bundled plugins folder (default `<packageRoot>/extensions`). */
  bundledDir?: string;
}

/** The bundled plugins of this checkout. */
export const bundledExtensionsDir = join(packageRoot, 'extensions');

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Plugin folders under one root: the root itself when it has a manifest, else its sub-folders. */
function candidateDirs(root: string): string[] {
  if (!isDirectory(root)) return [];
  if (existsSync(join(root, manifestFileName))) return [root];
  return readdirSync(root)
    .filter((name) => !name.startsWith('.') && name !== 'node_modules')
    .map((name) => join(root, name))
    .filter(isDirectory)
    .sort();
}

/** Scan the roots in precedence order. */
export function discoverPlugins(roots: DiscoveryRoots): PluginDiscovery {
  const ordered: [PluginOrigin, string][] = [
    ...roots.loadPaths.map((path): [PluginOrigin, string] => ['config', resolve(path)]),
    ['workspace', join(roots.workspaceDir, '.clawdbot', 'extensions')],
    ['global', join(roots.stateDir, 'extensions')],
    ['bundled', roots.bundledDir ?? bundledExtensionsDir],
  ];
  const result: PluginDiscovery = { plugins: [], problems: [], shadowed: [] };
  const seenDirs = new Set<string>();
  for (const [origin, root] of ordered) {
    for (const rootDir of candidateDirs(root)) {
      if (seenDirs.has(rootDir)) continue;
      seenDirs.add(rootDir);
      const read = readManifest(rootDir);
      if (!read.ok) {
        result.problems.push({
          rootDir,
          origin,
          stage: 'manifest',
          reason: read.reason,
          ...(read.id !== undefined ? { id: read.id } : {}),
        });
        continue;
      }
      const { manifest, entryPath } = read;
      const winner = result.plugins.find((plugin) => plugin.id === manifest.id);
      if (winner) {
        result.shadowed.push({
          id: manifest.id,
          origin,
          rootDir,
          shadowedBy: { origin: winner.origin, rootDir: winner.rootDir },
        });
        continue;
      }
      result.plugins.push({ id: manifest.id, manifest, origin, rootDir, entryPath });
    }
  }
  return result;
}
