import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelPlugin } from '../../channels/types.js';
import type { PluginApi, PluginManifest } from '../../core/plugins/types.js';
import { zaloAccountSchema, zaloOptionsSchema } from './config.js';
import { register, zaloChannel } from './index.js';

// The loader validates `channels.zalo` from the manifest without running this plugin's
// code; the channel validates it again with its zod schema. The two must never drift.

const manifest = JSON.parse(
  await readFile(new URL('./clawdbot.plugin.json', import.meta.url), 'utf8'),
) as PluginManifest;

describe('zalo plugin manifest', () => {
  it('declares the channel it registers, and only that one', () => {
    expect(manifest).toMatchObject({ id: 'zalo', kind: 'channel', channels: ['zalo'] });
    const registered: ChannelPlugin[] = [];
    register({ registerChannel: (channel) => void registered.push(channel) } as PluginApi);
    expect(registered).toEqual([zaloChannel]);
  });

  it("carries exactly the JSON Schema of the channel's own options", () => {
    expect(manifest.channelConfigSchemas?.zalo).toEqual(
      z.toJSONSchema(zaloOptionsSchema, { io: 'input' }),
    );
  });

  it('hints only fields that exist, and marks the secrets sensitive', () => {
    const properties = Object.keys(zaloOptionsSchema.shape);
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(properties).toContain(key.replace(/^zalo\./, ''));
    }
    for (const secret of ['botToken', 'webhookSecret']) {
      expect(manifest.uiHints?.[`zalo.${secret}`]?.sensitive).toBe(true);
    }
  });

  it('refuses a webhook without its secret, and a webhook URL Zalo would not call', () => {
    const base = { botToken: '1:abc' };
    expect(
      zaloAccountSchema.safeParse({ ...base, webhookUrl: 'https://bot.example.com/z' }).success,
    ).toBe(false);
    expect(
      zaloAccountSchema.safeParse({
        ...base,
        webhookUrl: 'http://bot.example.com/z',
        webhookSecret: '12345678',
      }).success,
    ).toBe(false);
    expect(zaloAccountSchema.parse(base).apiBaseUrl).toBe('https://bot-api.zaloplatforms.com');
    expect(zaloChannel.textChunkLimit).toBe(2000);
  });
});
