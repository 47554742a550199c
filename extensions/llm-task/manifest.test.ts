import { describe, expect, it } from 'vitest';
import {
  bundledManifest,
  checkPluginConfig,
  recordRegistrations,
} from '../../test/helpers/plugin-manifest.js';
import { register } from './index.js';

// What the loader does with this plugin before any turn: read the manifest without running
// plugin code, check plugins.entries.llm-task.config against it, then call register().
// End to end against the scripted LLM: test/extensions/llm-task.test.ts.

const manifest = bundledManifest('llm-task');

describe('llm-task plugin manifest', () => {
  it('is a tool plugin that registers the llm_task tool and nothing else', () => {
    expect(manifest.kind).toBe('tool');
    const checked = checkPluginConfig(manifest, {});
    if (!checked.ok) throw new Error(checked.paths.join());
    expect(checked.config).toMatchObject({ allowedModels: [], maxAttempts: 3 });
    expect(recordRegistrations(manifest, register, checked.config)).toMatchObject({
      tools: ['llm_task'],
      hooks: [],
      services: [],
      httpRoutes: [],
    });
  });

  it('refuses an attempt limit out of range and a model ref without its provider', () => {
    expect(checkPluginConfig(manifest, { maxAttempts: 0 })).toEqual({
      ok: false,
      paths: ['maxAttempts'],
    });
    expect(checkPluginConfig(manifest, { defaultModel: 'gpt-4.1' })).toEqual({
      ok: false,
      paths: ['defaultModel'],
    });
  });
});
