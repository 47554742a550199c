import { describe, expect, it } from 'vitest';
import { accountsOf } from '../shared/config.js';
import { discordAccountSchema, discordToken } from './config.js';
import { discordChannel } from './index.js';

describe('channels.discord config', () => {
  it('expands accounts that inherit the section, with the shared defaults', () => {
    const accounts = accountsOf(
      {
        apiBase: 'http://127.0.0.1:9999/api',
        allowFrom: ['123456789012345678'],
        accounts: { main: { token: 'a' }, second: { token: 'b', dmPolicy: 'disabled' } },
      },
      discordAccountSchema,
      'discord',
    );
    expect(accounts.map((a) => a.accountId)).toEqual(['main', 'second']);
    expect(accounts[1]?.options).toMatchObject({
      token: 'b',
      apiBase: 'http://127.0.0.1:9999/api',
      dmPolicy: 'disabled',
      groupPolicy: 'allowlist',
      replyToMode: 'first',
      allowFrom: ['123456789012345678'],
    });
  });

  it('names the field of a typo or a bad value', () => {
    expect(() => accountsOf({ tokne: 'x' }, discordAccountSchema, 'discord')).toThrow(
      'channels.discord.tokne: unknown key',
    );
    expect(() =>
      accountsOf({ accounts: { a: { apiBase: 'not a url' } } }, discordAccountSchema, 'discord'),
    ).toThrow(/channels\.discord\.accounts\.a\.apiBase/);
  });

  it('takes the token from DISCORD_BOT_TOKEN when the account has none', () => {
    expect(discordToken({}, { DISCORD_BOT_TOKEN: 'from-env' })).toBe('from-env');
    expect(discordToken({ token: 'own' }, { DISCORD_BOT_TOKEN: 'from-env' })).toBe('own');
    expect(discordToken({}, { DISCORD_BOT_TOKEN: '' })).toBeUndefined();
    const [account] = accountsOf({}, discordAccountSchema, 'discord');
    expect(discordChannel.isConfigured(account!.options)).toBe(
      process.env.DISCORD_BOT_TOKEN !== undefined && process.env.DISCORD_BOT_TOKEN !== '',
    );
  });
});
