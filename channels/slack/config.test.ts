import { describe, expect, it } from 'vitest';
import { accountsOf } from '../shared/config.js';
import { missingCredentials } from './config.js';
import { slackChannel } from './index.js';

describe('channels.slack config', () => {
  it('defaults to Socket Mode on /slack/events with the common defaults', () => {
    const [account] = accountsOf(
      { botToken: 'xoxb-1', appToken: 'xapp-1' },
      slackChannel.configSchema,
      'slack',
    );
    expect(account).toMatchObject({
      accountId: 'default',
      options: {
        mode: 'socket',
        webhookPath: '/slack/events',
        dmPolicy: 'pairing',
        replyToMode: 'first',
      },
    });
    expect(slackChannel.isConfigured(account!.options)).toBe(true);
  });

  it('names a mistyped key and a token of the wrong kind', () => {
    expect(() => accountsOf({ botTokn: 'xoxb-1' }, slackChannel.configSchema, 'slack')).toThrow(
      /channels\.slack/,
    );
    expect(() =>
      accountsOf(
        { accounts: { work: { botToken: 'xapp-swapped' } } },
        slackChannel.configSchema,
        'slack',
      ),
    ).toThrow(/channels\.slack\.accounts\.work\.botToken/);
  });

  it('takes tokens from the environment and says what a mode lacks', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-env', SLACK_APP_TOKEN: 'xapp-env' };
    expect(missingCredentials({ mode: 'socket' }, env)).toEqual([]);
    expect(missingCredentials({ mode: 'socket' }, {})).toEqual(['botToken', 'appToken']);
    expect(missingCredentials({ mode: 'http', botToken: 'xoxb-1' }, {})).toEqual(['signingSecret']);
  });
});
