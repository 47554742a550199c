import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PluginManifest } from '../../core/plugins/types.js';
import { googlechatOptionsSchema } from './config.js';
import { googlechatChannel } from './index.js';

// The loader validates `channels.googlechat` from the manifest without running this plugin's
// code; the channel validates it again with its zod schema. The two must never drift.

const manifest = JSON.parse(
  await readFile(new URL('./clawdbot.plugin.json', import.meta.url), 'utf8'),
) as PluginManifest;

describe('googlechat plugin manifest', () => {
  it('declares the channel it registers', () => {
    expect(manifest).toMatchObject({ id: 'googlechat', kind: 'channel', channels: ['googlechat'] });
    expect(googlechatChannel.id).toBe('googlechat');
  });

  it("carries exactly the JSON Schema of the channel's own options", () => {
    expect(manifest.channelConfigSchemas?.googlechat).toEqual(
      z.toJSONSchema(googlechatOptionsSchema, { io: 'input' }),
    );
  });

  it('hints only fields that exist, and marks the secrets sensitive', () => {
    const properties = Object.keys(googlechatOptionsSchema.shape);
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(properties).toContain(key.replace(/^googlechat\./, ''));
    }
    for (const secret of ['serviceAccount']) {
      expect(manifest.uiHints?.[`googlechat.${secret}`]?.sensitive).toBe(true);
    }
  });
});
