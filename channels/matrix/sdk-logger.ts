/**
 * matrix-js-sdk's logger interface on top of ours. The SDK logs every HTTP request at info
 * (to stdout by default); here its chatter goes to debug, its warnings to info and its
 * errors to warn, so a healthy account is quiet and a failing one still explains itself.
 */
import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from '../../core/logger.js';

const text = (parts: unknown[]) =>
  parts
    .map((part) =>
      part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part),
    )
    .join(' ');

/** Wrap one of our loggers for createClient({ logger }). */
export function sdkLogger(logger: Logger): SdkLogger {
  return {
    trace: (...parts: unknown[]) => logger.debug(text(parts)),
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.debug(text(parts)),
    warn: (...parts: unknown[]) => logger.info(text(parts)),
    error: (...parts: unknown[]) => logger.warn(text(parts)),
    getChild: (namespace: string) => sdkLogger(logger.child(namespace)),
  };
}
