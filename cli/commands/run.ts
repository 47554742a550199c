import { openLogFile } from '../../core/log-files.js';
import { createLogger, type LogLevel } from '../../core/logger.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  embeddedDevServerOptions,
  launchDevServer,
  type LaunchedDevServer,
} from '../runtime/temporal-dev-server.js';

/**
 * Run ClawdBot in the foreground until SIGINT/SIGTERM, then stop everything in order.
 * A piece that dies on its own (the embedded Temporal server, the worker) stops the rest
 * and exits non-zero, so a supervisor notices instead of a half-alive process lingering.
 */
export async function runForeground(
  flags: RuntimeFlags & { worker: boolean; channels?: boolean },
  gateway: boolean,
): Promise<void> {
  const base = commandContext(flags);
  // Every line also goes to this process's file under <stateDir>/logs/, where the
  // gateway's logs.tail finds the lines of workers running in other processes.
  const logFile = openLogFile(base.paths.stateDir, gateway ? 'gateway' : 'worker');
  const level = (process.env.CLAWDBOT_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const logger = createLogger('clawdbot', level, undefined, (entry) => logFile.record(entry));
  const context = { ...base, logger };
  // The embedded Temporal server takes about a second to answer: spawn it now, before the
  // Temporal SDK, the gateway and the channels are imported, so it boots while they load.
  let devServer: LaunchedDevServer | undefined;
  let runtime: Runtime;
  try {
    if (gateway && base.config.temporal.address === undefined) {
      devServer = await launchDevServer(embeddedDevServerOptions(base.config, base.paths, logger));
    }
    // Before any Temporal connection (the dev server's readiness check is the first).
    const { installTemporalRuntime } = await import('../runtime/temporal-runtime.js');
    installTemporalRuntime(level);
    const { startRuntime } = await import('../runtime/runtime.js');
    runtime = await startRuntime({
      ...context,
      gateway,
      worker: flags.worker,
      channels: flags.channels ?? true,
      ...(devServer ? { devServer } : {}),
    });
  } catch (error) {
    // startRuntime stops the server itself; an import failing before it must too.
    await devServer?.stop();
    throw error;
  }
  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(`shutting down (${reason})`);
    try {
      await runtime.stop();
    } catch (error) {
      logger.error(`error while stopping: ${(error as Error).message}`);
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn(`second ${signal}: exiting now`);
        process.exit(1);
      }
      void shutdown(signal, 0);
    });
  }
  runtime.onFatal((reason) => void shutdown(reason, 1));
  // A stray rejection (a platform SDK's background promise, say) is logged and the process
  // goes on: turns are durable, and taking every chat down for one is the worse outcome.
  // An uncaught exception leaves the process in an unknown state: stop in order, exit 1.
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.error(`unhandled promise rejection: ${error.stack ?? error.message}`);
  });
  process.on('uncaughtException', (error) => {
    logger.error(`uncaught exception: ${error.stack ?? error.message}`);
    void shutdown('uncaught exception', 1);
  });
  if (gateway) logger.info(`ready: ${runtime.gatewayUrl} (Temporal ${runtime.temporalAddress})`);
}
