import { resolveStateDir } from '../../core/paths.js';
import { startNodeHost } from '../node-host/node-host.js';

/** Flags of `clawdbot node run`. */
export interface NodeRunFlags {
  gateway: string;
  stateDir?: string;
  nodeId?: string;
  displayName?: string;
}

/** `clawdbot node run --gateway ws://host:18789`: a headless node, until SIGINT/SIGTERM. */
export async function runNode(flags: NodeRunFlags): Promise<number> {
  const stateDir = resolveStateDir(flags.stateDir);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} node: ${line}\n`);
  const host = startNodeHost({
    gatewayUrl: flags.gateway,
    stateDir,
    ...(flags.nodeId !== undefined ? { nodeId: flags.nodeId } : {}),
    ...(flags.displayName !== undefined ? { displayName: flags.displayName } : {}),
    log,
  });
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  host.stop();
  log('stopped');
  return 0;
}
