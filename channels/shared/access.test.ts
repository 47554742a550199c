import { describe, expect, it } from 'vitest';
import { decideAccess, mentionsBotName, type AccessOptions } from './access.js';
import { commonAccountSchema } from './config.js';

const options = (overrides: Partial<AccessOptions> = {}): AccessOptions => ({
  ...commonAccountSchema.parse({}),
  ...overrides,
});
const dm = (senderId: string) => ({
  chatType: 'direct' as const,
  chatId: senderId,
  senderId,
  mentioned: false,
});
const group = (chatId: string, senderId: string, mentioned = true, text = '') => ({
  chatType: 'group' as const,
  chatId,
  senderId,
  mentioned,
  text,
});

describe('decideAccess: direct messages', () => {
  it('asks an unknown sender to pair by default, and lets known ones in', () => {
    expect(decideAccess(options(), dm('9'))).toEqual({ allow: false, reason: 'pairing-needed' });
    expect(decideAccess(options({ allowFrom: ['9'] }), dm('9'))).toEqual({ allow: true });
    expect(decideAccess(options(), dm('9'), ['9'])).toEqual({ allow: true });
  });

  it('never asks to pair under allowlist, open or disabled', () => {
    expect(decideAccess(options({ dmPolicy: 'allowlist' }), dm('9'))).toEqual({
      allow: false,
      reason: 'dm-not-allowed',
    });
    expect(decideAccess(options({ dmPolicy: 'allowlist' }), dm('9'), ['9'])).toEqual({
      allow: true,
    });
    expect(decideAccess(options({ dmPolicy: 'allowlist', allowFrom: ['*'] }), dm('9'))).toEqual({
      allow: true,
    });
    expect(decideAccess(options({ dmPolicy: 'open', allowFrom: ['*'] }), dm('9'))).toEqual({
      allow: true,
    });
    expect(decideAccess(options({ dmPolicy: 'disabled', allowFrom: ['9'] }), dm('9'))).toEqual({
      allow: false,
      reason: 'dm-not-allowed',
    });
  });

  it('does not let group settings open direct messages', () => {
    const settings = options({ groupPolicy: 'open', groupAllowFrom: ['9'], groups: { '*': {} } });
    expect(decideAccess(settings, dm('9'))).toEqual({ allow: false, reason: 'pairing-needed' });
  });
});

describe('decideAccess: groups', () => {
  it('blocks every group when nothing is listed (the default)', () => {
    expect(decideAccess(options(), group('-100', '9'))).toEqual({
      allow: false,
      reason: 'group-not-allowed',
    });
  });

  it('lets listed groups in, by id or "*"', () => {
    const listed = options({ groups: { '-100': {} } });
    expect(decideAccess(listed, group('-100', '9'))).toEqual({ allow: true });
    expect(decideAccess(listed, group('-200', '9'))).toEqual({
      allow: false,
      reason: 'group-not-allowed',
    });
    expect(decideAccess(options({ groups: { '*': {} } }), group('-200', '9'))).toEqual({
      allow: true,
    });
  });

  it('lets groupAllowFrom senders in anywhere, and restricts listed groups to them', () => {
    const onlyMe = options({ groupAllowFrom: ['1'] });
    expect(decideAccess(onlyMe, group('-100', '1'))).toEqual({ allow: true });
    expect(decideAccess(onlyMe, group('-100', '2')).allow).toBe(false);
    const listedOnlyMe = options({ groupAllowFrom: ['1'], groups: { '-100': {} } });
    expect(decideAccess(listedOnlyMe, group('-100', '2'))).toEqual({
      allow: false,
      reason: 'group-not-allowed',
    });
    const perGroup = options({ groupAllowFrom: ['1'], groups: { '-100': { allowFrom: ['2'] } } });
    expect(decideAccess(perGroup, group('-100', '2'))).toEqual({ allow: true });
    expect(decideAccess(perGroup, group('-100', '1')).allow).toBe(false);
  });

  it('does not count approved pairing ids in groups', () => {
    expect(decideAccess(options(), group('-100', '9'), ['9']).allow).toBe(false);
  });

  it('lets every group in under open, and none under disabled', () => {
    expect(decideAccess(options({ groupPolicy: 'open' }), group('-100', '9'))).toEqual({
      allow: true,
    });
    expect(
      decideAccess(options({ groupPolicy: 'disabled', groups: { '*': {} } }), group('-1', '9')),
    ).toEqual({ allow: false, reason: 'group-not-allowed' });
  });

  it('drops a group switched off, even under open', () => {
    const off = options({ groupPolicy: 'open', groups: { '-100': { enabled: false } } });
    expect(decideAccess(off, group('-100', '9')).allow).toBe(false);
    expect(decideAccess(off, group('-200', '9')).allow).toBe(true);
    const allOff = options({ groupPolicy: 'open', groups: { '*': { enabled: false } } });
    expect(decideAccess(allOff, group('-200', '9')).allow).toBe(false);
  });

  it('needs a mention unless requireMention is false for the group or "*"', () => {
    const listed = options({ groups: { '-100': {}, '-200': { requireMention: false } } });
    expect(decideAccess(listed, group('-100', '9', false))).toEqual({
      allow: false,
      reason: 'no-mention',
    });
    expect(decideAccess(listed, group('-200', '9', false))).toEqual({ allow: true });
    const quiet = options({ groupPolicy: 'open', groups: { '*': { requireMention: false } } });
    expect(decideAccess(quiet, group('-300', '9', false))).toEqual({ allow: true });
    const override = options({
      groups: { '*': { requireMention: false }, '-100': { requireMention: true } },
    });
    expect(decideAccess(override, group('-100', '9', false)).allow).toBe(false);
  });

  it("counts the bot's name in the text as a mention", () => {
    const listed = options({ groups: { '-100': {} } });
    const message = group('-100', '9', false, 'hey @ClawdBot what time is it?');
    expect(decideAccess(listed, message, [], ['clawdbot'])).toEqual({ allow: true });
  });

  it('treats channels like groups', () => {
    const message = { ...group('C1', 'U1'), chatType: 'channel' as const };
    expect(decideAccess(options({ groups: { C1: {} } }), message)).toEqual({ allow: true });
    expect(decideAccess(options(), message).allow).toBe(false);
  });
});

describe('mentionsBotName', () => {
  it('matches the name as a word, with or without @, in any case', () => {
    expect(mentionsBotName('@clawd_bot hi', ['@Clawd_Bot'])).toBe(true);
    expect(mentionsBotName('Clawd, help', ['clawd'])).toBe(true);
    expect(mentionsBotName('clawdbot2 hi', ['clawdbot'])).toBe(false);
    expect(mentionsBotName('myclawd', ['clawd'])).toBe(false);
    expect(mentionsBotName('anything', ['', '  '])).toBe(false);
  });
});
