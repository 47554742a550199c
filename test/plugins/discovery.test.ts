import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { packageRoot } from '../../core/paths.js';
import { discoverPlugins } from '../../core/plugins/discovery.js';
import { resolveEnableState } from '../../core/plugins/enablement.js';
import { loadPlugins } from '../../core/plugins/loader.js';
import { loadPluginRegistry } from '../../core/plugins/plugin-runtime.js';
import { pluginConfigIssues } from '../../core/plugins/validate-config.js';
import { makeStateDir } from '../helpers/cli-process.js';

// Discovery, validation and enablement read manifests only; loading imports entries.

const fixtures = join(packageRoot, 'test', 'fixtures', 'plugins');
const bundledDir = join(packageRoot, 'test', 'fixtures', 'bundled-extensions');
const logger = createLogger('plugins-test', 'silent');

function setup(config: Record<string, unknown> = {}) {
  const stateDir = makeStateDir();
  const parsed = parseConfig(
    { ...config, plugins: { load: { paths: [fixtures] }, ...(config.plugins as object) } },
    'clawdbot.json',
  );
  const roots = {
    loadPaths: parsed.plugins.load.paths,
    workspaceDir: join(stateDir, 'workspace'),
    stateDir,
    bundledDir,
  };
  return { config: parsed, roots, stateDir, discovery: discoverPlugins(roots) };
}

describe('plugin discovery', () => {
  it('finds plugins in precedence order and reports the shadowed bundled copy', () => {
    const { discovery } = setup();
    const ids = discovery.plugins.map((plugin) => `${plugin.id}:${plugin.origin}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'hello-tools:config',
        'loopchat:config',
        'throws-on-import:config',
        'quiet:bundled',
      ]),
    );
    expect(discovery.shadowed).toEqual([
      {
        id: 'loopchat',
        origin: 'bundled',
        rootDir: join(bundledDir, 'loopchat'),
        shadowedBy: { origin: 'config', rootDir: join(fixtures, 'loopchat') },
      },
    ]);
  });

  it('reports folders without or with a bad manifest, with the reason', () => {
    const { discovery } = setup();
    const problems = Object.fromEntries(
      discovery.problems.map((problem) => [problem.rootDir, problem]),
    );
    expect(problems[join(fixtures, 'no-manifest')]).toMatchObject({
      stage: 'manifest',
      reason: 'no clawdbot.plugin.json',
    });
    expect(problems[join(fixtures, 'bad-manifest')]).toMatchObject({
      stage: 'manifest',
      id: 'bad-manifest',
    });
    expect(problems[join(fixtures, 'bad-manifest')]?.reason).toContain('configSchema');
  });

  it('tolerates a missing bundled folder', () => {
    const { roots } = setup();
    const discovery = discoverPlugins({ ...roots, bundledDir: join(roots.stateDir, 'nope') });
    expect(discovery.plugins.map((plugin) => plugin.id)).not.toContain('quiet');
  });
});

describe('plugin config validation (no plugin code runs)', () => {
  it('checks entries.<id>.config of a plugin whose entry would throw', () => {
    const { config, discovery } = setup({
      plugins: { entries: { 'throws-on-import': { config: { level: 0, extra: true } } } },
    });
    const issues = pluginConfigIssues(config, discovery);
    expect(issues.map((issue) => issue.field)).toEqual([
      'plugins.entries.throws-on-import.config.level',
      'plugins.entries.throws-on-import.config.extra',
    ]);
    expect(issues[0]?.message).toContain('>=1');
    expect(issues[1]?.message).toBe('unknown key');
  });

  it('rejects unknown ids in entries, allow and deny', () => {
    const { config, discovery } = setup({
      plugins: { allow: ['nope-a'], deny: ['nope-b'], entries: { 'nope-c': { enabled: true } } },
    });
    const fields = pluginConfigIssues(config, discovery).map((issue) => issue.field);
    expect(fields).toEqual(['plugins.allow.0', 'plugins.deny.0', 'plugins.entries.nope-c']);
  });

  it('checks channels.<id> of a plugin channel against its schema plus the common keys', () => {
    const { config, discovery } = setup({
      channels: {
        loopchat: { apiUrl: 'ftp://x', dmPolicy: 'sometimes', accounts: { b: { typo: 1 } } },
      },
    });
    const issues = pluginConfigIssues(config, discovery);
    expect(issues.map((issue) => issue.field)).toEqual(
      expect.arrayContaining(['channels.loopchat.dmPolicy']),
    );
    const valid = setup({
      channels: { loopchat: { apiUrl: 'http://127.0.0.1:1', allowFrom: ['u1'] } },
    });
    expect(pluginConfigIssues(valid.config, valid.discovery)).toEqual([]);
  });

  it('stops start-up with the file, the field and the expectation', async () => {
    const { config, stateDir } = setup({ plugins: { deny: ['nope'] } });
    await expect(
      loadPluginRegistry({
        config,
        paths: {
          stateDir,
          workspaceDir: join(stateDir, 'workspace'),
          configFile: '/x/clawdbot.json',
        },
        logger,
        bundledDir,
      }),
    ).rejects.toThrow(
      /Invalid config in \/x\/clawdbot\.json:\n {2}- plugins\.deny\.0: unknown plugin id "nope"/,
    );
  });
});

describe('plugin enablement', () => {
  const quiet = {
    id: 'quiet',
    origin: 'bundled' as const,
    manifest: { id: 'quiet', configSchema: {} },
  };
  const user = {
    id: 'mine',
    origin: 'global' as const,
    manifest: { id: 'mine', configSchema: {} },
  };
  const channelPlugin = {
    id: 'loopchat',
    origin: 'bundled' as const,
    manifest: { id: 'loopchat', channels: ['loopchat'], configSchema: {} },
  };
  const state = (plugin: typeof quiet | typeof user | typeof channelPlugin, raw: unknown) =>
    resolveEnableState(plugin, parseConfig(raw, 'clawdbot.json'));

  it('bundled plugins are off unless enabled; installed ones are on', () => {
    expect(state(quiet, {}).enabled).toBe(false);
    expect(state(quiet, { plugins: { entries: { quiet: { enabled: true } } } }).enabled).toBe(true);
    expect(state(user, {}).enabled).toBe(true);
    expect(state(user, { plugins: { entries: { mine: { enabled: false } } } }).enabled).toBe(false);
  });

  it('a bundled channel plugin turns on when its channel is configured', () => {
    expect(state(channelPlugin, {}).enabled).toBe(false);
    expect(state(channelPlugin, { channels: { loopchat: {} } })).toEqual({
      enabled: true,
      reason: 'channels.loopchat is configured',
    });
  });

  it('the master switch, deny (over allow and entries) and allow', () => {
    expect(state(user, { plugins: { enabled: false } }).enabled).toBe(false);
    expect(
      state(user, {
        plugins: { allow: ['mine'], deny: ['mine'], entries: { mine: { enabled: true } } },
      }),
    ).toEqual({ enabled: false, reason: 'in plugins.deny' });
    expect(state(user, { plugins: { allow: ['other'] } }).enabled).toBe(false);
    expect(state(user, { plugins: { allow: ['mine'] } }).enabled).toBe(true);
  });
});

describe('plugin loading', () => {
  it('loads the enabled plugins; an entry that throws is reported and skipped', async () => {
    const { config, discovery, stateDir } = setup();
    const registry = await loadPlugins({ config, discovery, stateDir, logger });
    const byId = Object.fromEntries(registry.records.map((record) => [record.id, record]));
    expect(byId['throws-on-import']).toMatchObject({
      status: 'error',
      error: 'this plugin is broken on purpose',
    });
    expect(byId.quiet).toMatchObject({ status: 'disabled', enabled: false });
    expect(byId.loopchat).toMatchObject({
      status: 'loaded',
      registered: { channels: ['loopchat'] },
    });
    expect(registry.channels.map((each) => each.channel.id)).toEqual(['loopchat']);
    expect(registry.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'throws-on-import', stage: 'load' })]),
    );
  });
});
