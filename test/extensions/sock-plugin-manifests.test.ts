// The manifests of the Nostr, Twitch and Tlon plugins are read without running plugin
// code, so each must say exactly what its code validates: the channel schema in
// clawdbot.plugin.json is the JSON Schema of the zod options schema, every uiHint names a
// field, secrets are marked sensitive, and the entry's register() adds that one channel.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelPlugin } from '../../channels/types.js';
import type { PluginApi, PluginManifest } from '../../core/plugins/types.js';
import { nostrOptionsSchema } from '../../extensions/nostr/config.js';
import * as nostr from '../../extensions/nostr/index.js';
import { tlonOptionsSchema } from '../../extensions/tlon/config.js';
import * as tlon from '../../extensions/tlon/index.js';
import { twitchOptionsSchema } from '../../extensions/twitch/config.js';
import * as twitch from '../../extensions/twitch/index.js';

const plugins = [
  { id: 'nostr', schema: nostrOptionsSchema, entry: nostr, secret: 'privateKey' },
  { id: 'twitch', schema: twitchOptionsSchema, entry: twitch, secret: 'accessToken' },
  { id: 'tlon', schema: tlonOptionsSchema, entry: tlon, secret: 'code' },
];

const manifestOf = async (id: string) =>
  JSON.parse(
    await readFile(new URL(`../../extensions/${id}/clawdbot.plugin.json`, import.meta.url), 'utf8'),
  ) as PluginManifest;

describe.each(plugins)('the $id plugin manifest', ({ id, schema, entry, secret }) => {
  it('declares the channel and its options schema as the code validates them', async () => {
    const manifest = await manifestOf(id);
    expect(manifest).toMatchObject({ id, kind: 'channel', channels: [id] });
    const jsonSchema = z.toJSONSchema(schema, { io: 'input' });
    expect(manifest.channelConfigSchemas?.[id]).toEqual(jsonSchema);
    const fields = Object.keys(jsonSchema.properties ?? {});
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(fields).toContain(key.replace(`${id}.`, ''));
    }
    expect(manifest.uiHints?.[`${id}.${secret}`]).toMatchObject({ sensitive: true });
  });

  it('registers exactly that channel', () => {
    const registered: ChannelPlugin[] = [];
    // Only registerChannel is reached by these entries; the loader's real api is tested there.
    const api: Partial<PluginApi> = {
      registerChannel: (channel) => {
        registered.push(channel);
      },
    };
    entry.register(api as PluginApi);
    expect(registered.map((channel) => channel.id)).toEqual([id]);
  });
});
