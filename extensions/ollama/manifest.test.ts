import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// The loader's view of this plugin: manifest, config check, register(). Against a fake of
// Ollama's API (and the scripted LLM behind /v1): test/extensions/ollama.test.ts.

const manifest = bundledManifest('ollama');

describe('ollama plugin manifest', () => {
  it('declares the provider it registers, and only that one', () => {
    expect(manifest).toMatchObject({ kind: 'provider', providers: ['ollama'] });
    const checked = checkPluginConfig(manifest, {});
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(checked.config).toEqual({ baseUrl: 'http://127.0.0.1:11434' });
    expect(recordRegistrations(manifest, register, checked.config)).toMatchObject({
      providers: ['ollama'],
      tools: [],
      hooks: [],
    });
  });

  it('refuses an unknown key (a typo names its field), and marks the key sensitive', () => {
    expect(checkPluginConfig(manifest, { baseURL: 'http://127.0.0.1:11434' })).toMatchObject({
      ok: false,
    });
    expect(manifest.uiHints?.apiKey?.sensitive).toBe(true);
  });
});
