import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// The loader's view of this plugin: manifest, config check, register(). Its notes written
// on /new and sessions.reset, against the scripted LLM: test/extensions/session-memory.test.ts.

const manifest = bundledManifest('session-memory');

describe('session-memory plugin manifest', () => {
  it('is a hooks plugin that registers its session_end hook and nothing else', () => {
    expect(manifest.kind).toBe('hooks');
    const checked = checkPluginConfig(manifest, {});
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(recordRegistrations(manifest, register, checked.config)).toMatchObject({
      hooks: ['session_end'],
      tools: [],
      services: [],
    });
  });

  it('refuses a summary of fewer than two messages and an unknown end reason', () => {
    expect(checkPluginConfig(manifest, { messages: 1 })).toEqual({
      ok: false,
      paths: ['messages'],
    });
    expect(checkPluginConfig(manifest, { reasons: ['someday'] })).toMatchObject({ ok: false });
  });
});
