import { createPairingStore } from '../../channels/shared/pairing-store.js';
import { ClawdbotError } from '../../core/errors.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import { callGateway, GatewayUnreachableError } from '../gateway-client.js';
import { gatewayTargetOf, type GatewayTargetFlags } from '../gateway-target.js';

/**
 * `clawdbot pairing approve <channel> <code> [--no-notify]`: through the running gateway,
 * which also tells the sender; when the gateway is down, straight in the files (no notice).
 */
export async function runPairingApprove(
  channel: string,
  code: string,
  flags: Pick<RuntimeFlags, 'stateDir' | 'port'> & GatewayTargetFlags & { notify?: boolean },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config, paths } = commandContext(flags);
  const notify = flags.notify ?? true;
  try {
    const result = (await callGateway(gatewayTargetOf(config, flags), 'pairing.approve', {
      channel,
      code,
      notify,
    })) as { senderId: string; notified: boolean; notifyError?: string };
    write(
      `Approved ${channel} sender ${result.senderId}. ` +
        (result.notified
          ? 'They were told.\n'
          : notify
            ? `They were not told: ${result.notifyError ?? 'unknown reason'}.\n`
            : 'They were not told (--no-notify).\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof ClawdbotError && error.code === 'NOT_FOUND') {
      write(`No pending ${channel} pairing request with code ${code}.\n`);
      return 1;
    }
    if (!(error instanceof GatewayUnreachableError)) throw error;
  }
  const request = await createPairingStore({ stateDir: paths.stateDir }).approve(channel, code);
  if (!request) {
    write(`No pending ${channel} pairing request with code ${code}.\n`);
    return 1;
  }
  write(
    `Approved ${channel} sender ${request.id}. The gateway is not running, so no notice was sent.\n`,
  );
  return 0;
}
