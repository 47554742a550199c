import { commandContext, type RuntimeFlags } from '../context.js';
import { callGateway, GatewayUnreachableError } from '../gateway-client.js';
import { gatewayTargetOf, type GatewayTargetFlags } from '../gateway-target.js';

interface AccountStatus {
  channel: string;
  accountId: string;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  botName?: string;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  lastError?: string;
}

function when(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toISOString();
}

/** `clawdbot channels status [--json]`: the running gateway's view of each channel account. */
export async function runChannelsStatus(
  flags: Pick<RuntimeFlags, 'stateDir' | 'port'> & GatewayTargetFlags & { json?: boolean },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config } = commandContext(flags);
  const target = gatewayTargetOf(config, flags);
  const url = target.url;
  let payload: { accounts: AccountStatus[] };
  try {
    payload = (await callGateway(target, 'channels.status', {})) as {
      accounts: AccountStatus[];
    };
  } catch (error) {
    if (!(error instanceof GatewayUnreachableError)) throw error;
    write(`The gateway is not running at ${url} (start it with \`clawdbot gateway\`).\n`);
    return 1;
  }
  if (flags.json) {
    write(`${JSON.stringify(payload, null, 2)}\n`);
    return 0;
  }
  if (payload.accounts.length === 0) write('No channel accounts configured.\n');
  for (const account of payload.accounts) {
    const state = !account.enabled
      ? 'disabled'
      : !account.configured
        ? 'not configured'
        : account.connected
          ? 'connected'
          : account.running
            ? 'running, not connected'
            : 'not running';
    write(
      `${account.channel}:${account.accountId}${account.botName ? ` (${account.botName})` : ''}: ${state}; ` +
        `last in ${when(account.lastInboundAt)}, last out ${when(account.lastOutboundAt)}` +
        (account.lastError ? `; last error: ${account.lastError}` : '') +
        '\n',
    );
  }
  return 0;
}
