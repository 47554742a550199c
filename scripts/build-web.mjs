#!/usr/bin/env node
// Builds the Control UI (web/src → web/dist) with esbuild: one bundle, no CDN, nothing
// fetched at run time. Skipped when web/dist was built from the same sources (a hash of
// every file under web/src and of this script), so `npm start` and `npm test` pay for it
// once. Test files that run in parallel may call it at the same time: every output file is
// written to a temporary name and renamed into place, and the stamp is written last.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'web', 'src');
const output = join(root, 'web', 'dist');
const stampFile = join(output, '.build-hash');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
    )
    .sort();
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(source), fileURLToPath(import.meta.url)]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function readStamp() {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return '';
  }
}

async function build() {
  const hash = sourceHash();
  if (!process.argv.includes('--force') && readStamp() === hash) return;
  // Imported here: a fresh clone's set-up runs this only after npm installed esbuild.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(source, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    write: false,
    outfile: join(output, 'app.js'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  for (const asset of ['index.html', 'app.css']) {
    writeAtomically(join(output, asset), readFileSync(join(source, asset)));
  }
  writeAtomically(stampFile, `${hash}\n`);
  console.log('setup: built the Control UI into web/dist');
}

build().catch((error) => {
  console.error(`setup: the Control UI build failed: ${error.message}`);
  process.exit(1);
});
