import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { accountsOf, channelAccountSchema, commonAccountSchema } from './config.js';

const telegramLike = channelAccountSchema({ botToken: z.string().min(1).optional() });

function configError(run: () => unknown): ClawdbotError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ClawdbotError);
    return error as ClawdbotError;
  }
  throw new Error('expected a config error');
}

describe('commonAccountSchema', () => {
  it('fills the defaults', () => {
    expect(commonAccountSchema.parse({})).toEqual({
      enabled: true,
      dmPolicy: 'pairing',
      allowFrom: [],
      groupPolicy: 'allowlist',
      groupAllowFrom: [],
      groups: {},
      replyToMode: 'first',
      mediaMaxMb: 20,
    });
  });

  it('accepts numeric ids (Telegram) as strings', () => {
    const parsed = commonAccountSchema.parse({
      allowFrom: [123456789, '42'],
      groupAllowFrom: [7],
      groups: { '-1001234': { requireMention: false, allowFrom: [9] } },
    });
    expect(parsed.allowFrom).toEqual(['123456789', '42']);
    expect(parsed.groupAllowFrom).toEqual(['7']);
    expect(parsed.groups['-1001234']).toEqual({ requireMention: false, allowFrom: ['9'] });
  });

  it('requires "*" in allowFrom for dmPolicy open, saying so', () => {
    const result = commonAccountSchema.safeParse({ dmPolicy: 'open' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/requires allowFrom to contain "\*"/);
    expect(commonAccountSchema.safeParse({ dmPolicy: 'open', allowFrom: ['*'] }).success).toBe(
      true,
    );
  });

  it('rejects unknown keys and bad values', () => {
    expect(commonAccountSchema.safeParse({ dmpolicy: 'open' }).success).toBe(false);
    expect(commonAccountSchema.safeParse({ textChunkLimit: 0 }).success).toBe(false);
    expect(commonAccountSchema.safeParse({ groupPolicy: 'everyone' }).success).toBe(false);
  });
});

describe('accountsOf', () => {
  it('makes the section itself the default account', () => {
    const accounts = accountsOf({ botToken: 'abc', allowFrom: [1] }, telegramLike, 'telegram');
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.accountId).toBe('default');
    expect(accounts[0]?.options).toMatchObject({ botToken: 'abc', allowFrom: ['1'] });
    expect(accountsOf(undefined, telegramLike, 'telegram')[0]?.options.enabled).toBe(true);
  });

  it('lets each listed account inherit the section and override it', () => {
    const accounts = accountsOf(
      {
        dmPolicy: 'allowlist',
        allowFrom: ['1'],
        accounts: {
          personal: { botToken: 'p' },
          work: { botToken: 'w', allowFrom: ['2'], dmPolicy: 'pairing' },
        },
      },
      telegramLike,
      'telegram',
    );
    expect(accounts.map((account) => account.accountId)).toEqual(['personal', 'work']);
    expect(accounts[0]?.options).toMatchObject({
      botToken: 'p',
      dmPolicy: 'allowlist',
      allowFrom: ['1'],
    });
    expect(accounts[1]?.options).toMatchObject({
      botToken: 'w',
      dmPolicy: 'pairing',
      allowFrom: ['2'],
    });
  });

  it('names the field of the account that is wrong', () => {
    const error = configError(() =>
      accountsOf({ accounts: { work: { dmPolicy: 'sometimes' } } }, telegramLike, 'telegram'),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('channels.telegram.accounts.work.dmPolicy');
  });

  it('names the top-level field when the wrong value is inherited', () => {
    const error = configError(() =>
      accountsOf({ mediaMaxMb: -1, accounts: { work: {} } }, telegramLike, 'telegram'),
    );
    expect(error.message).toContain('channels.telegram.mediaMaxMb');
    expect(error.message).not.toContain('accounts.work.mediaMaxMb');
  });

  it('names unknown keys and the open-without-wildcard rule', () => {
    expect(
      configError(() => accountsOf({ botTokn: 'x' }, telegramLike, 'discord')).message,
    ).toContain('channels.discord.botTokn: unknown key');
    expect(
      configError(() => accountsOf({ dmPolicy: 'open' }, telegramLike, 'slack')).message,
    ).toContain('channels.slack.allowFrom: dmPolicy "open" requires');
  });

  it('rejects a section, accounts or account id of the wrong shape', () => {
    expect(configError(() => accountsOf('token', telegramLike, 'telegram')).message).toContain(
      'channels.telegram',
    );
    expect(
      configError(() => accountsOf({ accounts: [] }, telegramLike, 'telegram')).message,
    ).toContain('channels.telegram.accounts');
    expect(
      configError(() => accountsOf({ accounts: { 'a b': {} } }, telegramLike, 'telegram')).message,
    ).toContain('channels.telegram.accounts.a b');
  });
});
