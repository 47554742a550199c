#!/usr/bin/env node
// The `clawdbot` command. It runs dist/ (our TypeScript compiled by scripts/build-dist.mjs,
// which `npm start`, `npm test` and the Docker image run) when dist was built from the
// sources as they are now, and otherwise the sources themselves through tsx's loader: an
// edited .ts file runs as edited, with no build step in between. dist starts ~1 s sooner
// and holds no loader thread. CLAWDBOT_NO_DIST=1 forces the sources.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distPaths, isDistFresh } from '../scripts/dist-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.CLAWDBOT_NO_DIST !== '1' && isDistFresh(root)) {
  await import(pathToFileURL(distPaths(root).entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
