import { DefaultLogger, Runtime, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { LogLevel } from '../../core/logger.js';

const levels: Record<LogLevel, TemporalLogLevel> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'ERROR',
};

/**
 * Install the Temporal SDK runtime with our log level, before any connection is made (the
 * SDK's default logs every worker state change at INFO). Only the first call in a process
 * takes effect, which is what a process-wide runtime means.
 */
export function installTemporalRuntime(level: LogLevel): void {
  try {
    // The SDK's own INFO lines (worker state changes) are noise next to ours: one step quieter.
    Runtime.install({ logger: new DefaultLogger(level === 'info' ? 'WARN' : levels[level]) });
  } catch {
    // Already installed (e.g. a second harness in the same test process).
  }
}
