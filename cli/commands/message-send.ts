import { randomUUID } from 'node:crypto';
import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';

/** Flags of `clawdbot message send`. */
export interface MessageSendFlags extends GatewayFlags {
  channel?: string;
  to: string;
  text?: string;
  media?: string[];
  account?: string;
}

/** `clawdbot message send --channel … --to … --text …`: deliver through the gateway's `send` method. */
export async function runMessageSend(
  flags: MessageSendFlags,
  output: Output = processOutput,
): Promise<number> {
  if (flags.text === undefined && (flags.media ?? []).length === 0) {
    output.err('clawdbot: give --text or --media\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('send', {
      to: flags.to,
      idempotencyKey: randomUUID(),
      ...(flags.channel === undefined ? {} : { channel: flags.channel }),
      ...(flags.text === undefined ? {} : { message: flags.text }),
      ...((flags.media ?? []).length === 0 ? {} : { mediaUrls: flags.media }),
      ...(flags.account === undefined ? {} : { accountId: flags.account }),
    })) as { channel: string; messageId: string };
    if (flags.json) printJson(output, payload);
    else output.out(`Sent to ${flags.to} on ${payload.channel} (message ${payload.messageId})\n`);
    return 0;
  });
}
