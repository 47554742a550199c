import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// The loader's view of this plugin: manifest, config check, register(). Real HTTP to a real
// gateway with its hook mappings: test/extensions/webhooks.test.ts.

const manifest = bundledManifest('webhooks');

const mapping = (path: string, extra: Record<string, unknown> = {}) => ({
  match: { path },
  messageTemplate: 'Event: {{payload.kind}}',
  ...extra,
});

describe('webhooks plugin manifest', () => {
  it('registers one POST route per mapped path, under its path prefix', () => {
    const checked = checkPluginConfig(manifest, {
      token: 'a-long-hook-token',
      mappings: [mapping('github'), mapping('github', { id: 'second' }), mapping('stripe')],
    });
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(recordRegistrations(manifest, register, checked.config).httpRoutes).toEqual([
      'POST /hooks/github',
      'POST /hooks/stripe',
    ]);
  });

  it('needs a token, and refuses a delivering mapping with nowhere to deliver', () => {
    expect(checkPluginConfig(manifest, { mappings: [] })).toMatchObject({ ok: false });
    const checked = checkPluginConfig(manifest, {
      token: 'a-long-hook-token',
      mappings: [mapping('github', { deliver: true })],
    });
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(() => recordRegistrations(manifest, register, checked.config)).toThrow(
      /deliver needs "channel" and "to"/,
    );
  });
});
