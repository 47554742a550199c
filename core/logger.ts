/** A small leveled logger writing one line per event to stderr; a dependency, never a global. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
/** A log level name. */
export type LogLevel = keyof typeof levels;

/** One emitted line as data, for a second destination (the process's log file). */
export interface LogRecord {
  ts: number;
  level: Exclude<LogLevel, 'silent'>;
  name: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger for `name` at `level` (default: CLAWDBOT_LOG_LEVEL or info). */
export function createLogger(
  name: string,
  level: LogLevel = (process.env.CLAWDBOT_LOG_LEVEL as LogLevel | undefined) ?? 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
  record?: (entry: LogRecord) => void,
): Logger {
  const threshold = levels[level] ?? levels.info;
  const emit = (
    at: Exclude<LogLevel, 'silent'>,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    if (levels[at] < threshold) return;
    const now = new Date();
    const time = now.toISOString().slice(11, 23);
    const hasFields = fields !== undefined && Object.keys(fields).length > 0;
    const extra = hasFields ? ` ${JSON.stringify(fields)}` : '';
    write(`${time} ${at.padEnd(5)} [${name}] ${message}${extra}\n`);
    record?.({ ts: now.getTime(), level: at, name, message, ...(hasFields ? { fields } : {}) });
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (child) => createLogger(`${name}:${child}`, level, write, record),
  };
}
