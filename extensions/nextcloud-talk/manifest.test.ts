import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelPlugin } from '../../channels/types.js';
import type { PluginApi, PluginManifest } from '../../core/plugins/types.js';
import { nextcloudTalkAccountSchema, nextcloudTalkOptionsSchema } from './config.js';
import { nextcloudTalkChannel, register } from './index.js';

// The loader validates `channels.nextcloud-talk` from the manifest without running this
// plugin's code; the channel validates it again with its zod schema. The two must not drift.

const manifest = JSON.parse(
  await readFile(new URL('./clawdbot.plugin.json', import.meta.url), 'utf8'),
) as PluginManifest;

describe('nextcloud-talk plugin manifest', () => {
  it('declares the channel it registers, and only that one', () => {
    expect(manifest).toMatchObject({
      id: 'nextcloud-talk',
      kind: 'channel',
      channels: ['nextcloud-talk'],
    });
    const registered: ChannelPlugin[] = [];
    register({ registerChannel: (channel) => void registered.push(channel) } as PluginApi);
    expect(registered).toEqual([nextcloudTalkChannel]);
  });

  it("carries exactly the JSON Schema of the channel's own options", () => {
    expect(manifest.channelConfigSchemas?.['nextcloud-talk']).toEqual(
      z.toJSONSchema(nextcloudTalkOptionsSchema, { io: 'input' }),
    );
  });

  it('hints only fields that exist, and marks the secrets sensitive', () => {
    const properties = Object.keys(nextcloudTalkOptionsSchema.shape);
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(properties).toContain(key.replace(/^nextcloud-talk\./, ''));
    }
    for (const secret of ['botSecret', 'apiPassword']) {
      expect(manifest.uiHints?.[`nextcloud-talk.${secret}`]?.sensitive).toBe(true);
    }
  });

  it('folds rooms.<token> into the common groups, so access rules apply to them', () => {
    const account = nextcloudTalkAccountSchema.parse({
      baseUrl: 'https://cloud.example.com',
      botSecret: 'x'.repeat(40),
      rooms: { abc123: { requireMention: false } },
    });
    expect(account.groups).toEqual({ abc123: { requireMention: false } });
  });
});
