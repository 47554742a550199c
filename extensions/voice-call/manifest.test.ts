import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// The loader's view of this plugin: manifest, config check, register() (which must not reach
// Temporal or Twilio). Calls against a fake of Twilio's Calls API:
// test/extensions/voice-call.test.ts.

const manifest = bundledManifest('voice-call');
const valid = {
  fromNumber: '+15550000000',
  publicUrl: 'https://voice.example.com',
  twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'secret-token' },
};

describe('voice-call plugin manifest', () => {
  it('registers the voice_call tool, the voicecall.* methods and the Twilio webhooks', () => {
    expect(manifest.kind).toBe('tool');
    const checked = checkPluginConfig(manifest, valid);
    if (!checked.ok) throw new Error(checked.paths.join());
    const registered = recordRegistrations(manifest, register, checked.config);
    expect(registered.tools).toEqual(['voice_call']);
    expect(registered.gatewayMethods).toEqual(
      expect.arrayContaining([
        'voicecall.initiate',
        'voicecall.continue',
        'voicecall.speak',
        'voicecall.end',
        'voicecall.status',
      ]) as unknown,
    );
    expect(registered.httpRoutes).toContain('GET /audio');
  });

  it('refuses a caller id that is not E.164 and a config without Twilio credentials', () => {
    expect(checkPluginConfig(manifest, { ...valid, fromNumber: '555-0100' })).toEqual({
      ok: false,
      paths: ['fromNumber'],
    });
    const { twilio: _twilio, ...withoutTwilio } = valid;
    expect(checkPluginConfig(manifest, withoutTwilio)).toMatchObject({ ok: false });
  });
});
