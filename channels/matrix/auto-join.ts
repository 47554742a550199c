/**
 * Which invites the bot accepts (`autoJoin`). `always` joins what the access policy could
 * ever answer — so a room the bot would ignore is not joined just because someone asked —
 * `allowlist` only rooms listed in `groups` and inviters listed by id, `off` nothing.
 */
import type { MatrixAccount } from './config.js';

/** One pending invite as the sync shows it. */
export interface MatrixInvite {
  roomId: string;
  /** Who invited the bot (sender of its invite member event). */
  inviter: string;
  /** The invite was for a direct chat (`is_direct` on the member event). */
  direct: boolean;
}

const lists = (ids: readonly string[], id: string) => ids.includes('*') || ids.includes(id);

/** Whether to join the room of `invite`. */
export function shouldJoin(account: MatrixAccount, invite: MatrixInvite): boolean {
  if (account.autoJoin === 'off') return false;
  if (invite.direct) {
    if (account.dmPolicy === 'disabled') return false;
    // A pairing request or an open policy needs the room joined to be answered at all.
    if (account.autoJoin === 'always' && account.dmPolicy !== 'allowlist') return true;
    return lists(account.allowFrom, invite.inviter);
  }
  if (account.groupPolicy === 'disabled') return false;
  const listedRoom = invite.roomId in account.groups;
  const listedInviter =
    lists(account.groupAllowFrom, invite.inviter) || lists(account.allowFrom, invite.inviter);
  if (account.autoJoin === 'allowlist') return listedRoom || listedInviter;
  if (account.groupPolicy === 'open') return true;
  return listedRoom || '*' in account.groups || listedInviter;
}
