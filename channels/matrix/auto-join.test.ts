import { describe, expect, it } from 'vitest';
import { shouldJoin } from './auto-join.js';
import { matrixAccountSchema } from './config.js';

const account = (options: Record<string, unknown>) => matrixAccountSchema.parse(options);
const dm = { roomId: '!dm:x', inviter: '@alice:x', direct: true };
const room = { roomId: '!room:x', inviter: '@alice:x', direct: false };

describe('matrix autoJoin', () => {
  it('always: joins what the access policy could answer', () => {
    expect(shouldJoin(account({}), dm)).toBe(true); // pairing answers strangers with a code
    expect(shouldJoin(account({ dmPolicy: 'disabled' }), dm)).toBe(false);
    expect(shouldJoin(account({ dmPolicy: 'allowlist', allowFrom: ['@bob:x'] }), dm)).toBe(false);
    expect(shouldJoin(account({}), room)).toBe(false); // groupPolicy allowlist, nothing listed
    expect(shouldJoin(account({ groups: { '!room:x': {} } }), room)).toBe(true);
    expect(shouldJoin(account({ groupPolicy: 'open' }), room)).toBe(true);
  });

  it('allowlist: only listed rooms and inviters; off: nothing', () => {
    expect(shouldJoin(account({ autoJoin: 'allowlist', groupPolicy: 'open' }), room)).toBe(false);
    expect(shouldJoin(account({ autoJoin: 'allowlist', allowFrom: ['@alice:x'] }), dm)).toBe(true);
    expect(shouldJoin(account({ autoJoin: 'off', dmPolicy: 'open', allowFrom: ['*'] }), dm)).toBe(
      false,
    );
  });
});
