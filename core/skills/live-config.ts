/**
 * The config as the skills see it on a worker: re-read from clawdbot.json when the file's
 * change time moves, so `skills.update` (which writes the file on the gateway's host) takes
 * effect on the next turn without restarting the worker. A file that no longer validates
 * keeps the last good config: a half-edited file must not switch every skill off.
 */
import { statSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';

/** A getter for the current config of `file`, starting from `initial`. */
export function createLiveConfig(
  file: string | undefined,
  initial: Config,
  env: NodeJS.ProcessEnv = process.env,
): () => Config {
  let current = initial;
  let stamp: number | undefined;
  return () => {
    if (file === undefined) return current;
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      return current;
    }
    if (stamp === undefined) {
      stamp = mtime; // the initial config was loaded from this version
      return current;
    }
    if (mtime === stamp) return current;
    stamp = mtime;
    try {
      current = loadConfig(file, env).config;
    } catch {
      // keep the last good config
    }
    return current;
  };
}
