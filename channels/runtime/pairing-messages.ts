/** The texts pairing sends to a sender: the code when they first write, the notice when approved. */

/** The reply to an unknown sender under dmPolicy "pairing" (sent once per pending request). */
export function pairingCodeText(options: {
  channel: string;
  idLabel: string;
  senderId: string;
  code: string;
}): string {
  return [
    'ClawdBot: access not configured.',
    '',
    `${options.idLabel}: ${options.senderId}`,
    '',
    `Pairing code: ${options.code}`,
    '',
    'Ask the bot owner to approve with:',
    `clawdbot pairing approve ${options.channel} ${options.code}`,
  ].join('\n');
}

/** What an approved sender is told (pairing approve notifies by default). */
export function pairingApprovedText(): string {
  return 'ClawdBot: access approved. Send a message to start chatting.';
}
