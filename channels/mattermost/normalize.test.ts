import { describe, expect, it } from 'vitest';
import { mattermostAccountSchema } from './config.js';
import type { MattermostEvent } from './event-stream.js';
import { normalizePosted } from './normalize.js';

const bot = { id: 'botid', username: 'clawd' };
const download = () => Promise.resolve(new Uint8Array());
const posted = (
  message: string,
  channelType = 'O',
  extra: Record<string, unknown> = {},
): MattermostEvent => ({
  event: 'posted',
  data: {
    channel_type: channelType,
    sender_name: '@alice',
    post: JSON.stringify({
      id: 'p1',
      create_at: 1,
      user_id: 'alice',
      channel_id: 'c1',
      root_id: '',
      message,
      type: '',
      ...extra,
    }),
  },
  broadcast: { channel_id: 'c1' },
  seq: 1,
});
const account = (options: Record<string, unknown> = {}) => mattermostAccountSchema.parse(options);

describe('mattermost posted events', () => {
  it('oncall: a channel post addresses the bot only with an @mention', () => {
    expect(
      normalizePosted(posted('hello all'), bot, account(), 'default', download)?.mentioned,
    ).toBe(false);
    expect(
      normalizePosted(posted('hi @clawd!'), bot, account(), 'default', download)?.mentioned,
    ).toBe(true);
    expect(
      normalizePosted(posted('mail @clawdia'), bot, account(), 'default', download)?.mentioned,
    ).toBe(false);
  });

  it('onchar: a prefix addresses the bot and is removed; onmessage: every post does', () => {
    const onchar = account({ chatmode: 'onchar' });
    const inbound = normalizePosted(posted('> what time is it'), bot, onchar, 'default', download);
    expect(inbound).toMatchObject({ text: 'what time is it', mentioned: true });
    expect(normalizePosted(posted('no prefix'), bot, onchar, 'default', download)?.mentioned).toBe(
      false,
    );
    const onmessage = account({ chatmode: 'onmessage' });
    expect(
      normalizePosted(posted('anything'), bot, onmessage, 'default', download)?.mentioned,
    ).toBe(true);
  });

  it('maps channel types, threads, and skips the bot and system posts', () => {
    expect(normalizePosted(posted('hi', 'D'), bot, account(), 'default', download)?.chatType).toBe(
      'direct',
    );
    expect(normalizePosted(posted('hi', 'G'), bot, account(), 'default', download)?.chatType).toBe(
      'group',
    );
    expect(
      normalizePosted(posted('hi', 'O', { root_id: 'r1' }), bot, account(), 'default', download)
        ?.threadId,
    ).toBe('r1');
    expect(
      normalizePosted(posted('hi', 'O', { user_id: 'botid' }), bot, account(), 'default', download),
    ).toBeUndefined();
    expect(
      normalizePosted(
        posted('joined', 'O', { type: 'system_join_channel' }),
        bot,
        account(),
        'default',
        download,
      ),
    ).toBeUndefined();
  });
});
