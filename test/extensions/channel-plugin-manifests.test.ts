// The manifests of the Signal, iMessage and BlueBubbles plugins are read without running
// plugin code, so each must say exactly what its code validates: the channel schema in
// clawdbot.plugin.json is the JSON Schema of the zod options schema, and the entry's
// register() adds that one channel.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelPlugin } from '../../channels/types.js';
import type { PluginApi, PluginManifest } from '../../core/plugins/types.js';
import { bluebubblesOptionsSchema } from '../../extensions/bluebubbles/config.js';
import * as bluebubbles from '../../extensions/bluebubbles/index.js';
import { imessageOptionsSchema } from '../../extensions/imessage/config.js';
import * as imessage from '../../extensions/imessage/index.js';
import { signalOptionsSchema } from '../../extensions/signal/config.js';
import * as signal from '../../extensions/signal/index.js';

const plugins = [
  { id: 'signal', schema: signalOptionsSchema, entry: signal },
  { id: 'imessage', schema: imessageOptionsSchema, entry: imessage },
  { id: 'bluebubbles', schema: bluebubblesOptionsSchema, entry: bluebubbles },
];

const manifestOf = async (id: string) =>
  JSON.parse(
    await readFile(new URL(`../../extensions/${id}/clawdbot.plugin.json`, import.meta.url), 'utf8'),
  ) as PluginManifest;

describe.each(plugins)('the $id plugin manifest', ({ id, schema, entry }) => {
  it('declares the channel and its options schema as the code validates them', async () => {
    const manifest = await manifestOf(id);
    expect(manifest).toMatchObject({ id, kind: 'channel', channels: [id] });
    expect(manifest.channelConfigSchemas?.[id]).toEqual(z.toJSONSchema(schema, { io: 'input' }));
    const fields = Object.keys(z.toJSONSchema(schema, { io: 'input' }).properties ?? {});
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(fields).toContain(key.replace(`${id}.`, ''));
    }
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

describe('secrets in plugin manifests', () => {
  it('marks the BlueBubbles password sensitive', async () => {
    expect((await manifestOf('bluebubbles')).uiHints?.['bluebubbles.password']).toMatchObject({
      sensitive: true,
    });
  });
});
