import type { Config } from '../core/config/schema.js';
import type { StatePaths } from '../core/paths.js';
import type { Logger } from '../core/logger.js';

/** What activities need from the process that hosts them. */
export interface ActivityDeps {
  config: Config;
  paths: StatePaths;
  logger: Logger;
}

/** All activities, bound to their dependencies (the worker registers this object). */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

/** The activity functions' types, for workflows' proxyActivities. */
export type Activities = ReturnType<typeof createActivities>;
