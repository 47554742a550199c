/**
 * Plugin services: started once the process is up, stopped (in reverse order) before it
 * goes down. A service that fails to start is logged and left out; it never stops the
 * process.
 */
import type { Logger } from '../logger.js';
import type { PluginRegistry } from './registry.js';

/** The started services, to stop on shutdown. */
export interface RunningPluginServices {
  stop(): Promise<void>;
}

/** Start every registered service. */
export async function startPluginServices(
  registry: PluginRegistry,
  options: { stateDir: string; logger: Logger },
): Promise<RunningPluginServices> {
  const controller = new AbortController();
  const started: { pluginId: string; stop?: () => void | Promise<void>; id: string }[] = [];
  for (const { pluginId, service } of registry.services) {
    const logger = options.logger.child(`${pluginId}:${service.id}`);
    try {
      await service.start({ logger, stateDir: options.stateDir, signal: controller.signal });
      started.push({
        pluginId,
        id: service.id,
        ...(service.stop ? { stop: () => service.stop!() } : {}),
      });
    } catch (error) {
      options.logger.error(
        `plugin ${pluginId}: service ${service.id} failed to start: ${(error as Error).message}`,
      );
    }
  }
  return {
    async stop() {
      controller.abort();
      for (const service of started.reverse()) {
        try {
          await service.stop?.();
        } catch (error) {
          options.logger.warn(
            `plugin ${service.pluginId}: service ${service.id} failed to stop: ${(error as Error).message}`,
          );
        }
      }
    },
  };
}
