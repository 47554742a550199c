import { describe, expect, it } from 'vitest';
import { inboundMessageId, sessionKeyFor, type SessionKeyInput } from './routing.js';

const base: SessionKeyInput = {
  agentId: 'main',
  channel: 'telegram',
  accountId: 'default',
  chatType: 'direct',
  chatId: '12345',
  senderId: '12345',
};

describe('sessionKeyFor', () => {
  it('puts direct messages in the main session by default', () => {
    expect(sessionKeyFor(base)).toBe('agent:main:main');
    expect(sessionKeyFor({ ...base, agentId: 'Work' })).toBe('agent:work:main');
  });

  it('scopes direct messages per peer, channel and account when asked', () => {
    expect(sessionKeyFor({ ...base, dmScope: 'per-peer' })).toBe('agent:main:dm:12345');
    expect(sessionKeyFor({ ...base, dmScope: 'per-channel-peer' })).toBe(
      'agent:main:telegram:dm:12345',
    );
    expect(
      sessionKeyFor({ ...base, dmScope: 'per-account-channel-peer', accountId: 'Personal' }),
    ).toBe('agent:main:telegram:personal:dm:12345');
    expect(sessionKeyFor({ ...base, dmScope: 'per-peer', peerId: 'alice' })).toBe(
      'agent:main:dm:alice',
    );
  });

  it('keys groups and channels by chat, lowercased', () => {
    expect(sessionKeyFor({ ...base, chatType: 'group', chatId: '-1001234', senderId: '9' })).toBe(
      'agent:main:telegram:group:-1001234',
    );
    expect(
      sessionKeyFor({
        ...base,
        channel: 'slack',
        chatType: 'channel',
        chatId: 'C0ABCDEF',
        senderId: 'U1',
      }),
    ).toBe('agent:main:slack:channel:c0abcdef');
  });

  it('suffixes threads and folds Telegram forum topics into the peer', () => {
    const discordThread = {
      ...base,
      channel: 'discord',
      chatType: 'channel' as const,
      chatId: '111',
      threadId: '222',
    };
    expect(sessionKeyFor(discordThread)).toBe('agent:main:discord:channel:111:thread:222');
    expect(
      sessionKeyFor({
        ...base,
        chatType: 'group',
        chatId: '-100',
        threadId: '7',
        threadKind: 'topic',
      }),
    ).toBe('agent:main:telegram:group:-100:topic:7');
  });

  it('gives different chats different keys and the same chat the same key', () => {
    const group = (chatId: string, senderId: string) =>
      sessionKeyFor({ ...base, chatType: 'group', chatId, senderId });
    expect(group('-1', 'a')).toBe(group('-1', 'b'));
    expect(group('-1', 'a')).not.toBe(group('-2', 'a'));
  });

  it('refuses empty ids', () => {
    expect(() => sessionKeyFor({ ...base, chatType: 'group', chatId: '' })).toThrow(/chat id/);
    expect(() => sessionKeyFor({ ...base, dmScope: 'per-peer', senderId: ' ' })).toThrow(/peer id/);
  });
});

describe('inboundMessageId', () => {
  it('joins channel, account, chat and platform message id', () => {
    expect(inboundMessageId('telegram', 'default', '-100', '42')).toBe('telegram:default:-100:42');
    expect(inboundMessageId('slack', 'work', 'C1', '1712345678.000100')).toBe(
      'slack:work:C1:1712345678.000100',
    );
    expect(() => inboundMessageId('slack', 'work', 'C1', '')).toThrow(/message id/);
  });
});
