#!/usr/bin/env node
// Compiles ClawdBot's TypeScript (cli/main.ts and everything it imports, statically or
// lazily, and the bundled plugins' entries) into dist/ with esbuild, so `clawdbot` starts without tsx's loader: its
// per-module resolve and load round trips cost ~0.9 s and ~45 MB at each gateway start.
// npm packages stay external (node_modules). Skipped when dist is fresh (see
// dist-stamp.mjs); `--force` rebuilds.
//
// Code that finds files next to itself (new URL('./x', import.meta.url)) must find them
// where they are in the source tree, not in dist/: each source file's import.meta.url is
// rewritten to its own source location, relative to its dist chunk so the checkout can move.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distPaths, isDistFresh } from './dist-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { dir: outdir, stamp } = distPaths(root);
const self = fileURLToPath(import.meta.url);
// The module that tells code compiled into dist/ that it is (core/dist-build.ts).
const compiledFlagFile = join(root, 'core', 'dist-build.ts');
const extensionsDir = join(root, 'extensions');
// Chunks from an older build stay this long: a gateway started from it may still import
// one of its lazy chunks.
const keepOldChunksMs = 24 * 60 * 60 * 1000;

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function ours(path) {
  return path.startsWith(root + sep) && !path.includes(`${sep}node_modules${sep}`);
}

/** Records what the build read (and when it was last changed), and relocates import.meta.url. */
function sourceLocationPlugin(inputs) {
  return {
    name: 'clawdbot-source-location',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== 'file' || !ours(args.path)) return undefined;
        // Stat before reading: a file saved during the build looks changed, so the next
        // start falls back to tsx instead of running what the build did not see.
        inputs[relative(root, args.path)] = statSync(args.path).mtimeMs;
        if (!/\.(ts|mts)$/.test(args.path)) return undefined;
        if (args.path === compiledFlagFile) {
          return { contents: 'export const compiledIntoDist = true;\n', loader: 'ts' };
        }
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const fromChunk = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

function pruneOldChunks(current) {
  const now = Date.now();
  for (const name of readdirSync(outdir)) {
    const path = join(outdir, name);
    if (current.has(path) || !name.endsWith('.js')) continue;
    if (now - statSync(path).mtimeMs > keepOldChunksMs) rmSync(path, { force: true });
  }
}

/**
 * The bundled plugins' entries (extensions/<dir>/clawdbot.plugin.json, `entry` or
 * index.ts), compiled beside the CLI so they share its modules: name in dist → source.
 */
function pluginEntries(inputs) {
  const entries = {};
  if (!existsSync(extensionsDir)) return entries;
  for (const dir of readdirSync(extensionsDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const manifestFile = join(extensionsDir, dir.name, 'clawdbot.plugin.json');
    let manifest;
    try {
      inputs[relative(root, manifestFile)] = statSync(manifestFile).mtimeMs;
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch {
      continue; // not a plugin, or a broken manifest the loader reports
    }
    const entry = join(extensionsDir, dir.name, manifest.entry ?? 'index.ts');
    if (/\.[cm]?ts$/.test(entry)) entries[`plugin-${dir.name}`] = entry;
  }
  return entries;
}

async function build() {
  if (!process.argv.includes('--force') && isDistFresh(root)) return;
  // Imported here: a fresh clone's set-up runs this only after npm installed esbuild.
  const esbuild = await import('esbuild');
  const inputs = { [relative(root, self)]: statSync(self).mtimeMs };
  const started = Date.now();
  const plugins = pluginEntries(inputs);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: join(root, 'cli', 'main.ts'), ...plugins },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    // Flat: every output file sits directly in dist/ (the import.meta.url rewrite relies on it).
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    write: false,
    sourcemap: false,
    logLevel: 'warning',
    plugins: [sourceLocationPlugin(inputs)],
  });
  // The entry is renamed into place after its chunks, and the stamp after everything.
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path.endsWith('main.js')) - Number(b.path.endsWith('main.js')),
  );
  for (const file of files) writeAtomically(file.path, file.contents);
  const compiledPlugins = Object.fromEntries(
    Object.entries(plugins).map(([name, source]) => [relative(root, source), `${name}.js`]),
  );
  writeAtomically(join(outdir, 'plugin-entries.json'), `${JSON.stringify(compiledPlugins)}\n`);
  pruneOldChunks(new Set(files.map((file) => file.path)));
  writeAtomically(stamp, `${JSON.stringify({ inputs }, null, 0)}\n`);
  console.log(
    `setup: compiled ${Object.keys(inputs).length} files into dist/ (${Date.now() - started} ms)`,
  );
}

build().catch((error) => {
  console.error(`setup: the dist build failed: ${error.message}`);
  process.exit(1);
});
