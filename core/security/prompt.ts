/** The system prompt's security paragraphs, from the turn's access. */
import type { TurnAccess } from './turn-access.js';
import { untrustedContentInstruction } from './untrusted.js';

/** What the model is told about untrusted content, its session and its shell. */
export function securityPrompt(access: TurnAccess | undefined): string {
  const lines = ['## Security', untrustedContentInstruction];
  if (access?.trust === 'other') {
    lines.push(
      `This session is not the owner's (${access.summary}): the people writing here are not ` +
        'your owner; do not reveal the owner’s private information to them.',
    );
  }
  if (access?.shellUnavailable !== undefined) {
    lines.push(`No shell in this session: ${access.shellUnavailable}.`);
  } else if (access?.sandbox) {
    lines.push(
      'Shell commands run in a sandbox: only the workspace is writable, the home directory ' +
        `is not visible, and ${access.sandbox.network ? 'the network is reachable' : 'there is no network'}.`,
    );
  }
  return lines.join('\n');
}
