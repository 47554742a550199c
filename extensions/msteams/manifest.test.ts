import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelPlugin } from '../../channels/types.js';
import type { PluginApi, PluginManifest } from '../../core/plugins/types.js';
import { defaultTokenUrl, msteamsOptionsSchema } from './config.js';
import { msteamsChannel, register } from './index.js';
import { normalizeActivity, splitConversationId } from './normalize.js';

// The loader validates `channels.msteams` from the manifest without running this plugin's
// code; the channel validates it again with its zod schema. The two must never drift.

const manifest = JSON.parse(
  await readFile(new URL('./clawdbot.plugin.json', import.meta.url), 'utf8'),
) as PluginManifest;

describe('msteams plugin manifest', () => {
  it('declares the channel it registers, and only that one', () => {
    expect(manifest).toMatchObject({ id: 'msteams', kind: 'channel', channels: ['msteams'] });
    const registered: ChannelPlugin[] = [];
    register({ registerChannel: (channel) => void registered.push(channel) } as PluginApi);
    expect(registered).toEqual([msteamsChannel]);
  });

  it("carries exactly the JSON Schema of the channel's own options", () => {
    expect(manifest.channelConfigSchemas?.msteams).toEqual(
      z.toJSONSchema(msteamsOptionsSchema, { io: 'input' }),
    );
  });

  it('hints only fields that exist, and marks the client secret sensitive', () => {
    const properties = Object.keys(msteamsOptionsSchema.shape);
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(properties).toContain(key.replace(/^msteams\./, ''));
    }
    expect(manifest.uiHints?.['msteams.appPassword']?.sensitive).toBe(true);
  });
});

describe('msteams pieces a user relies on', () => {
  it("gets app tokens from the bot's tenant, or from botframework.com when multi-tenant", () => {
    expect(defaultTokenUrl('contoso-id')).toBe(
      'https://login.microsoftonline.com/contoso-id/oauth2/v2.0/token',
    );
    expect(defaultTokenUrl(undefined)).toBe(
      'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token',
    );
  });

  it('keeps a channel thread apart from its channel', () => {
    expect(splitConversationId('19:abc@thread.tacv2;messageid=1700000000001')).toEqual({
      chatId: '19:abc@thread.tacv2',
      threadId: '1700000000001',
    });
    expect(splitConversationId('a:1xyz')).toEqual({ chatId: 'a:1xyz' });
  });

  it('turns other people’s mentions into @names and drops messages that are not text', () => {
    const inbound = normalizeActivity(
      {
        type: 'message',
        id: '1',
        conversation: { id: '19:g@thread.v2', conversationType: 'groupChat' },
        from: { id: '29:x', aadObjectId: 'aad-x', name: 'X' },
        recipient: { id: '28:bot', name: 'Clawd' },
        text: '<at>Clawd</at> ask <at>Ann Lee</at> about R&amp;D',
        entities: [{ type: 'mention', mentioned: { id: '28:bot' }, text: '<at>Clawd</at>' }],
      },
      'default',
    );
    expect(inbound).toMatchObject({ chatType: 'group', mentioned: true, senderId: 'aad-x' });
    expect(inbound?.text).toBe('ask @Ann Lee about R&D');
    expect(normalizeActivity({ type: 'typing', id: '2' }, 'default')).toBeUndefined();
  });
});
