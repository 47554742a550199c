import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  runPluginsDoctor,
  runPluginsInstall,
  runPluginsList,
  runPluginsSetEnabled,
} from '../../cli/commands/plugins.js';
import type { Output } from '../../cli/gateway-command.js';
import { buildProgram } from '../../cli/main.js';
import { loadCliPlugins, registerPluginCommands } from '../../cli/plugin-commands.js';
import { packageRoot } from '../../core/paths.js';
import { cleanEnv, makeStateDir, spawnClawdbot } from '../helpers/cli-process.js';

// The plugins commands run in this process with captured output (they touch only files);
// one spawned `clawdbot` checks that a plugin's own command is wired into the real CLI.

const fixtures = join(packageRoot, 'test', 'fixtures', 'plugins');
const bundledDir = join(packageRoot, 'test', 'fixtures', 'bundled-extensions');

function capture(): Output & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    stdout: () => out,
    stderr: () => err,
  };
}

interface ListJson {
  plugins: {
    id: string;
    origin: string;
    enabled: boolean;
    enableReason: string;
    configured: boolean;
    status: string;
    shadows: string[];
  }[];
  shadowed: { id: string; origin: string; shadowedBy: { origin: string } }[];
  problems: { rootDir: string; reason: string }[];
}

function listJson(stateDir: string): ListJson {
  const output = capture();
  expect(runPluginsList({ stateDir, json: true, bundledDir }, output)).toBe(0);
  return JSON.parse(output.stdout()) as ListJson;
}

/** A plugin with no imports, so it loads from any folder (fixtures import this checkout). */
function writePlugin(dir: string, id: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'clawdbot.plugin.json'),
    JSON.stringify({ id, name: 'Standalone', kind: 'hooks', configSchema: {} }),
  );
  writeFileSync(
    join(dir, 'index.ts'),
    [
      'export function register(api: any): void {',
      "  api.registerHook('agent_end', () => undefined);",
      "  api.registerService({ id: 'standalone-service', start: () => undefined });",
      "  api.registerCli((program: any) => program.command('standalone'));",
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('clawdbot plugins (no gateway needed)', () => {
  it('list --json: a bundled plugin off by default, a user plugin shadowing a bundled id, broken folders', () => {
    const stateDir = makeStateDir({ plugins: { load: { paths: [fixtures] } } });
    const report = listJson(stateDir);
    const byId = Object.fromEntries(report.plugins.map((row) => [row.id, row]));
    expect(byId.quiet).toMatchObject({
      origin: 'bundled',
      enabled: false,
      status: 'disabled',
      enableReason: 'bundled plugins are off unless enabled',
      configured: false,
    });
    expect(byId.loopchat).toMatchObject({
      origin: 'config',
      enabled: true,
      shadows: [join(bundledDir, 'loopchat')],
    });
    // Listing runs no plugin code: the entry that throws on import is merely "enabled".
    expect(byId['throws-on-import']).toMatchObject({ status: 'enabled' });
    expect(report.shadowed).toEqual([
      expect.objectContaining({
        id: 'loopchat',
        origin: 'bundled',
        shadowedBy: expect.objectContaining({ origin: 'config' }) as unknown,
      }),
    ]);
    const problems = report.problems.map((problem) => problem.rootDir);
    expect(problems).toEqual(
      expect.arrayContaining([join(fixtures, 'bad-manifest'), join(fixtures, 'no-manifest')]),
    );
  });

  it('enable and disable edit plugins.entries.<id>.enabled and keep the comments', () => {
    const stateDir = makeStateDir();
    const file = join(stateDir, 'clawdbot.json');
    writeFileSync(
      file,
      `{\n  // my plugins\n  plugins: { load: { paths: [${JSON.stringify(fixtures)}] } },\n}\n`,
      { mode: 0o600 },
    );
    const output = capture();
    expect(runPluginsSetEnabled('quiet', true, { stateDir, bundledDir }, output)).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('// my plugins');
    expect(listJson(stateDir).plugins.find((row) => row.id === 'quiet')).toMatchObject({
      enabled: true,
      configured: true,
      enableReason: 'plugins.entries.quiet.enabled is true',
    });
    expect(runPluginsSetEnabled('quiet', false, { stateDir, bundledDir }, output)).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('// my plugins');
    expect(listJson(stateDir).plugins.find((row) => row.id === 'quiet')?.enabled).toBe(false);

    const unknown = capture();
    expect(runPluginsSetEnabled('nope', true, { stateDir, bundledDir }, unknown)).toBe(1);
    expect(unknown.stderr()).toContain('No plugin with id nope');
  });

  it('doctor reports the plugin whose entry throws, with the reason, and exits 1', async () => {
    const stateDir = makeStateDir({ plugins: { load: { paths: [fixtures] } } });
    const output = capture();
    expect(await runPluginsDoctor({ stateDir, bundledDir }, output)).toBe(1);
    expect(output.stdout()).toMatch(
      /✗ throws-on-import \(config\): failed to load: .*broken on purpose/,
    );
    expect(output.stdout()).toMatch(/✓ hello-tools \(config\): loaded/);
    expect(output.stdout()).toContain(join(fixtures, 'bad-manifest'));
  });

  it('install copies a folder or a .tgz into <stateDir>/extensions/<id>/ and shows what it registers', async () => {
    const stateDir = makeStateDir();
    const work = mkdtempSync(join(tmpdir(), 'clawdbot-plugin-src-'));
    const folder = writePlugin(join(work, 'standalone'), 'standalone');

    const first = capture();
    expect(await runPluginsInstall(folder, { stateDir }, first)).toBe(0);
    expect(existsSync(join(stateDir, 'extensions', 'standalone', 'clawdbot.plugin.json'))).toBe(
      true,
    );
    expect(first.stdout()).toContain('hooks: agent_end');
    expect(first.stdout()).toContain('services: standalone-service');
    expect(first.stdout()).toContain('CLI commands: 1');
    expect(first.stdout()).toContain('runs inside ClawdBot with your user rights');
    expect(listJson(stateDir).plugins.find((row) => row.id === 'standalone')).toMatchObject({
      origin: 'global',
      enabled: true,
    });

    const again = capture();
    expect(await runPluginsInstall(folder, { stateDir }, again)).toBe(1);
    expect(again.stderr()).toContain('already installed');
    expect(await runPluginsInstall(folder, { stateDir, force: true }, capture())).toBe(0);

    // npm pack's layout: the plugin inside one top-level `package/` folder.
    writePlugin(join(work, 'packed', 'package'), 'packed-one');
    const archive = join(work, 'packed-one.tgz');
    execFileSync('tar', ['czf', archive, '-C', join(work, 'packed'), 'package']);
    const fromTgz = capture();
    expect(await runPluginsInstall(archive, { stateDir, json: true }, fromTgz)).toBe(0);
    expect(JSON.parse(fromTgz.stdout())).toMatchObject({
      id: 'packed-one',
      installedTo: join(stateDir, 'extensions', 'packed-one'),
      status: 'loaded',
      registered: { hooks: ['agent_end'], cliCommands: 1 },
    });
    expect(existsSync(join(stateDir, 'extensions', 'packed-one', 'index.ts'))).toBe(true);
  });

  it('install refuses a bad manifest with the reason (exit 1) and copies nothing', async () => {
    const stateDir = makeStateDir();
    const output = capture();
    expect(await runPluginsInstall(join(fixtures, 'bad-manifest'), { stateDir }, output)).toBe(1);
    expect(output.stderr()).toMatch(/Not installed: .*configSchema/);
    expect(existsSync(join(stateDir, 'extensions'))).toBe(false);
  });

  it("an enabled plugin's command shows in --help and runs", async () => {
    const stateDir = makeStateDir({
      plugins: {
        load: { paths: [join(fixtures, 'hello-tools')] },
        entries: { 'hello-tools': { config: { greeting: 'hi' } } },
      },
    });
    const registry = await loadCliPlugins(['node', 'clawdbot', '--help', '--state-dir', stateDir]);
    expect(registry?.cli.map((each) => each.pluginId)).toEqual(['hello-tools']);
    const program = buildProgram();
    registerPluginCommands(program, registry!);
    expect(program.helpInformation()).toMatch(/hello\s+say hello from the hello-tools plugin/);
    // Without plugins enabled nothing is loaded at start-up.
    expect(await loadCliPlugins(['node', 'clawdbot', '--state-dir', makeStateDir()])).toBe(
      undefined,
    );

    const cli = spawnClawdbot(['hello'], cleanEnv({ CLAWDBOT_STATE_DIR: stateDir }));
    const { code } = await cli.exited;
    expect(cli.output()).toContain('hi from a plugin command');
    expect(code).toBe(0);
  }, 120_000);
});
