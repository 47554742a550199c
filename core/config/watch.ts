/**
 * Hot reload of clawdbot.json: edits are picked up without a restart. The file is watched
 * (its directory, since editors replace files by renaming), re-read and validated; an
 * invalid edit is reported and the running config kept. Model, agent, tool policy,
 * approvals and session settings apply from the next turn; settings that only take
 * effect at start-up are named in a log line saying a restart is needed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ClawdbotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loadConfig } from './load.js';
import type { Config } from './schema.js';

/** Settings read once at start-up: a change to them needs a restart. */
const restartOnly: readonly string[] = [
  'gateway.bind',
  'gateway.port',
  'gateway.auth',
  'temporal',
  'store',
  'worker',
  'channels',
];

/** What a config watcher needs. */
export interface ConfigWatchOptions {
  file: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** The running config, to compare an edit with. */
  current: () => Config;
  /** A valid edit that changed something. */
  onChange: (next: Config) => void;
  /** Quiet time after the last file event before reading (editors write in steps). */
  debounceMs?: number;
}

/** A running watcher. */
export interface ConfigWatcher {
  close(): void;
}

function at(config: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[key]
          : undefined,
      config,
    );
}

/** Which restart-only settings differ between two configs. */
export function restartOnlyChanges(previous: Config, next: Config): string[] {
  return restartOnly.filter(
    (path) => JSON.stringify(at(previous, path)) !== JSON.stringify(at(next, path)),
  );
}

/** Read, validate and apply the file now; what the watcher does on each change. */
export function reloadConfig(options: ConfigWatchOptions): 'applied' | 'unchanged' | 'invalid' {
  const { file, logger } = options;
  let next: Config;
  try {
    next = loadConfig(file, options.env).config;
  } catch (error) {
    if (!(error instanceof ClawdbotError)) throw error;
    logger.error(`config reload: ${file} is invalid; keeping the running config. ${error.message}`);
    return 'invalid';
  }
  const previous = options.current();
  if (JSON.stringify(next) === JSON.stringify(previous)) return 'unchanged';
  const needRestart = restartOnlyChanges(previous, next);
  if (needRestart.length > 0) {
    logger.warn(
      `config reload: ${needRestart.join(', ')} changed in ${file}; ` +
        'these apply only after a restart of clawdbot (the rest applies from the next turn)',
    );
  }
  options.onChange(next);
  logger.info(`config reload: applied ${file}`);
  return 'applied';
}

/** Watch the config file; changes are applied until close(). */
export function watchConfigFile(options: ConfigWatchOptions): ConfigWatcher {
  const name = basename(options.file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(options.file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          reloadConfig(options);
        } catch (error) {
          options.logger.error(`config reload failed: ${(error as Error).message}`);
        }
      }, options.debounceMs ?? 200);
    });
  } catch (error) {
    options.logger.warn(
      `config reload: cannot watch ${options.file} (${(error as Error).message}); edits need a restart`,
    );
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
