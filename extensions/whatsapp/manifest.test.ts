import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PluginManifest } from '../../core/plugins/types.js';
import { whatsappOptionsSchema } from './config.js';
import { whatsappChannel } from './index.js';

// The loader validates `channels.whatsapp` from the manifest without running this plugin's
// code; the channel validates it again with its zod schema. The two must never drift.

const manifest = JSON.parse(
  await readFile(new URL('./clawdbot.plugin.json', import.meta.url), 'utf8'),
) as PluginManifest;

describe('whatsapp plugin manifest', () => {
  it('declares the channel it registers', () => {
    expect(manifest).toMatchObject({ id: 'whatsapp', kind: 'channel', channels: ['whatsapp'] });
    expect(whatsappChannel.id).toBe('whatsapp');
  });

  it("carries exactly the JSON Schema of the channel's own options", () => {
    expect(manifest.channelConfigSchemas?.whatsapp).toEqual(
      z.toJSONSchema(whatsappOptionsSchema, { io: 'input' }),
    );
  });

  it('hints only fields that exist, and marks the secrets sensitive', () => {
    const properties = Object.keys(whatsappOptionsSchema.shape);
    for (const key of Object.keys(manifest.uiHints ?? {})) {
      expect(properties).toContain(key.replace(/^whatsapp\./, ''));
    }
    for (const secret of ['accessToken', 'appSecret', 'verifyToken']) {
      expect(manifest.uiHints?.[`whatsapp.${secret}`]?.sensitive).toBe(true);
    }
  });
});
