import { createPairingStore } from '../../channels/shared/pairing-store.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import { callGateway, GatewayUnreachableError } from '../gateway-client.js';
import { gatewayTargetOf, type GatewayTargetFlags } from '../gateway-target.js';

interface PairingRow {
  channel: string;
  senderId: string;
  code: string;
  createdAt: string;
  meta?: Record<string, string>;
}

/** `clawdbot pairing list [channel]`: pending pairing requests (from the gateway, or the files when it is down). */
export async function runPairingList(
  channel: string | undefined,
  flags: Pick<RuntimeFlags, 'stateDir' | 'port'> & GatewayTargetFlags & { json?: boolean },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config, paths } = commandContext(flags);
  let requests: PairingRow[];
  try {
    const payload = (await callGateway(
      gatewayTargetOf(config, flags),
      'pairing.list',
      channel === undefined ? {} : { channel },
    )) as { requests: PairingRow[] };
    requests = payload.requests;
  } catch (error) {
    if (!(error instanceof GatewayUnreachableError)) throw error;
    const store = createPairingStore({ stateDir: paths.stateDir });
    requests = (await store.list(channel)).map((request) => ({
      channel: request.channel,
      senderId: request.id,
      code: request.code,
      createdAt: request.createdAt,
      ...(request.meta ? { meta: request.meta } : {}),
    }));
  }
  if (flags.json) {
    write(`${JSON.stringify({ requests }, null, 2)}\n`);
    return 0;
  }
  if (requests.length === 0) write('No pending pairing requests.\n');
  for (const request of requests) {
    const name = request.meta?.name ? ` (${request.meta.name})` : '';
    write(
      `${request.channel} ${request.code}: sender ${request.senderId}${name}, ` +
        `since ${request.createdAt}\n`,
    );
  }
  return 0;
}
