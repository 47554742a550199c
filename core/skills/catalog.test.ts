// The skills of a host, over real folders on disk: which copy of a skill wins, every
// reason a skill is left out, OpenClaw's metadata keys, and a skill added between calls.
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { createSkillCatalog, type SkillCatalog } from './catalog.js';

let root: string;
let bundled: string;
let managed: string;
let workspace: string;
let extra: string;
let binDir: string;

function writeSkill(
  dir: string,
  name: string,
  options: { description?: string; metadata?: unknown; extra?: string; body?: string } = {},
) {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const lines = [
    '---',
    `name: ${name}`,
    `description: ${options.description ?? `The ${name} skill.`}`,
    ...(options.metadata !== undefined ? [`metadata: ${JSON.stringify(options.metadata)}`] : []),
    ...(options.extra !== undefined ? [options.extra] : []),
    '---',
    options.body ?? `# ${name}\n\nRun {baseDir}/scripts/run.sh.\n`,
  ];
  writeFileSync(join(folder, 'SKILL.md'), lines.join('\n'));
  return folder;
}

function installBin(name: string) {
  const file = join(binDir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
}

function catalog(
  config: ConfigInput = {},
  env: NodeJS.ProcessEnv = {},
  platform: NodeJS.Platform = 'linux',
): SkillCatalog {
  const parsed = parseConfig(
    { ...config, skills: { ...config.skills, load: { extraDirs: [extra] } } },
    'test',
  );
  return createSkillCatalog({
    config: () => parsed,
    bundledDir: bundled,
    managedDir: managed,
    workspaceDir: workspace,
    env: () => ({ PATH: binDir, ...env }),
    platform,
  });
}

function statusOf(skills: SkillCatalog, name: string) {
  const found = skills.status().skills.find((skill) => skill.name === name);
  if (!found) throw new Error(`no skill ${name}`);
  return found;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'clawdbot-skills-'));
  bundled = join(root, 'bundled');
  managed = join(root, 'state', 'skills');
  workspace = join(root, 'workspace');
  extra = join(root, 'extra');
  binDir = join(root, 'bin');
  for (const dir of [bundled, managed, workspace, extra, binDir])
    mkdirSync(dir, { recursive: true });
});

describe('skill sources', () => {
  it('workspace overrides managed overrides bundled overrides extra dirs', () => {
    for (const [dir, label] of [
      [extra, 'extra'],
      [bundled, 'bundled'],
      [managed, 'managed'],
      [join(workspace, 'skills'), 'workspace'],
    ] as const) {
      writeSkill(dir, 'notes', { description: `notes from ${label}` });
    }
    writeSkill(extra, 'only-extra');
    writeSkill(bundled, 'only-bundled');
    writeSkill(managed, 'managed-over-bundled', { description: 'managed copy' });
    writeSkill(bundled, 'managed-over-bundled', { description: 'bundled copy' });
    const skills = catalog();
    expect(statusOf(skills, 'notes')).toMatchObject({
      source: 'workspace',
      description: 'notes from workspace',
      shadows: ['extra', 'bundled', 'managed'],
    });
    expect(statusOf(skills, 'managed-over-bundled')).toMatchObject({
      source: 'managed',
      description: 'managed copy',
    });
    expect(statusOf(skills, 'only-extra').source).toBe('extra');
    expect(statusOf(skills, 'only-bundled').source).toBe('bundled');
  });

  it('reads the clawdbot, openclaw and moltbot metadata keys', () => {
    const gate = (bin: string) => ({ requires: { bins: [bin] } });
    writeSkill(bundled, 'from-clawdbot', { metadata: { clawdbot: gate('tool-a') } });
    writeSkill(bundled, 'from-openclaw', { metadata: { openclaw: gate('tool-b') } });
    writeSkill(bundled, 'from-moltbot', { metadata: { moltbot: gate('tool-c') } });
    installBin('tool-b');
    const skills = catalog();
    expect(statusOf(skills, 'from-clawdbot').eligibility).toMatchObject({
      eligible: false,
      missing: ['tool-a'],
    });
    expect(statusOf(skills, 'from-openclaw').eligibility.eligible).toBe(true);
    expect(statusOf(skills, 'from-moltbot').eligibility).toMatchObject({ missing: ['tool-c'] });
  });

  it('reports a broken SKILL.md with its file and field, and keeps the others', () => {
    writeSkill(bundled, 'fine');
    const broken = join(workspace, 'skills', 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'SKILL.md'), '---\nname: broken\n---\nno description\n');
    const { skills, problems } = catalog().status();
    expect(skills.map((skill) => skill.name)).toEqual(['fine']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.source).toBe('workspace');
    expect(problems[0]!.message).toContain('description');
  });

  it('substitutes {baseDir} in the instructions of a slash-invoked skill', () => {
    const folder = writeSkill(bundled, 'deploy');
    const snapshot = catalog().snapshot('/deploy staging now');
    expect(snapshot.invoked).toMatchObject({
      name: 'deploy',
      args: 'staging now',
      location: join(folder, 'SKILL.md'),
    });
    expect(snapshot.invoked?.instructions).toContain(`Run ${folder}/scripts/run.sh.`);
    expect(catalog().snapshot('/unknown-thing hi').invoked).toBeUndefined();
    writeSkill(bundled, 'private', { extra: 'user-invocable: false' });
    expect(catalog().snapshot('/private').invoked).toBeUndefined();
  });

  it('sees a skill added, edited or removed on the next call, without a new catalog', () => {
    const skills = catalog();
    expect(skills.snapshot().skills).toEqual([]);
    const folder = writeSkill(join(workspace, 'skills'), 'fresh', { description: 'first' });
    expect(skills.snapshot().skills.map((skill) => skill.description)).toEqual(['first']);
    writeSkill(join(workspace, 'skills'), 'fresh', { description: 'second' });
    // Make sure the edit is seen even on a file system with coarse time stamps.
    utimesSync(join(folder, 'SKILL.md'), new Date(), new Date(Date.now() + 5000));
    expect(skills.snapshot().skills.map((skill) => skill.description)).toEqual(['second']);
  });
});

describe('bundled skills', () => {
  it('are checked for edits every few seconds, not on every call', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const folder = writeSkill(bundled, 'shipped', { description: 'v1' });
      const skills = catalog();
      expect(skills.snapshot().skills.map((skill) => skill.description)).toEqual(['v1']);
      writeSkill(bundled, 'shipped', { description: 'v2' });
      utimesSync(join(folder, 'SKILL.md'), new Date(), new Date(now + 5000));
      now += 1000;
      expect(skills.snapshot().skills.map((skill) => skill.description)).toEqual(['v1']);
      now += 5000;
      expect(skills.snapshot().skills.map((skill) => skill.description)).toEqual(['v2']);
    } finally {
      clock.mockRestore();
    }
  });
});

describe('eligibility, in OpenClaw order, with the reason', () => {
  it('enabled: false leaves a skill out even when it needs nothing', () => {
    writeSkill(bundled, 'plain');
    const skills = catalog({ skills: { entries: { plain: { enabled: false } } } });
    expect(statusOf(skills, 'plain').eligibility).toEqual({
      eligible: false,
      code: 'disabled',
      missing: [],
      reason: 'disabled in config (skills.entries.plain.enabled: false)',
    });
  });

  it('allowBundled limits bundled skills only', () => {
    writeSkill(bundled, 'kept');
    writeSkill(bundled, 'dropped');
    writeSkill(managed, 'mine');
    const skills = catalog({ skills: { allowBundled: ['kept'] } });
    expect(statusOf(skills, 'kept').eligibility.eligible).toBe(true);
    expect(statusOf(skills, 'dropped').eligibility).toMatchObject({
      code: 'not-allowed',
      reason: 'bundled skill not in skills.allowBundled',
    });
    expect(statusOf(skills, 'mine').eligibility.eligible).toBe(true);
  });

  it('os is checked before always', () => {
    writeSkill(bundled, 'mac-only', { metadata: { clawdbot: { os: ['darwin'], always: true } } });
    expect(statusOf(catalog(), 'mac-only').eligibility).toMatchObject({
      code: 'os',
      reason: 'runs only on darwin (this host is linux)',
    });
    expect(statusOf(catalog({}, {}, 'darwin'), 'mac-only').eligibility).toEqual({
      eligible: true,
      always: true,
    });
  });

  it('always skips the binary, env and config checks', () => {
    writeSkill(bundled, 'forced', {
      metadata: { clawdbot: { always: true, requires: { bins: ['nowhere'], env: ['NOPE'] } } },
    });
    expect(statusOf(catalog(), 'forced').eligibility).toEqual({ eligible: true, always: true });
  });

  it('every bin must be on PATH, and enabled: true does not override that', () => {
    writeSkill(bundled, 'two-tools', {
      metadata: { clawdbot: { requires: { bins: ['aa', 'bb'] } } },
    });
    installBin('aa');
    const skills = catalog({ skills: { entries: { 'two-tools': { enabled: true } } } });
    expect(statusOf(skills, 'two-tools').eligibility).toEqual({
      eligible: false,
      code: 'missing-bins',
      missing: ['bb'],
      reason: 'missing on PATH: bb',
    });
    installBin('bb');
    expect(statusOf(skills, 'two-tools').eligibility.eligible).toBe(true);
  });

  it("a turn's list follows the environment, the config and PATH as soon as they change", () => {
    writeSkill(bundled, 'weather', {
      metadata: { clawdbot: { requires: { env: ['WEATHER_KEY'], bins: ['curlish'] } } },
    });
    writeSkill(bundled, 'notes');
    // The verdicts are kept between calls: each change below must still show on the next one.
    const env: NodeJS.ProcessEnv = { PATH: binDir };
    let config = parseConfig({}, 'test');
    const skills = createSkillCatalog({
      config: () => config,
      bundledDir: bundled,
      managedDir: managed,
      workspaceDir: workspace,
      env: () => env,
      platform: 'linux',
    });
    const listed = () => skills.snapshot().skills.map((skill) => skill.name);
    expect(listed()).toEqual(['notes']);
    env.WEATHER_KEY = 'k-1';
    expect(listed()).toEqual(['notes']); // the binary is still missing
    installBin('curlish');
    expect(listed()).toEqual(['notes', 'weather']);
    config = parseConfig({ skills: { entries: { weather: { enabled: false } } } }, 'test');
    expect(listed()).toEqual(['notes']);
    config = parseConfig({}, 'test');
    expect(listed()).toEqual(['notes', 'weather']);
    delete env.WEATHER_KEY;
    expect(listed()).toEqual(['notes']);
    expect(skills.readableDirs()).toEqual([join(bundled, 'notes')]);
  });

  it('anyBins needs one of them', () => {
    writeSkill(bundled, 'agent', {
      metadata: { openclaw: { requires: { anyBins: ['x1', 'x2'] } } },
    });
    expect(statusOf(catalog(), 'agent').eligibility).toMatchObject({
      code: 'missing-any-bin',
      reason: 'needs one of these on PATH: x1, x2',
    });
    installBin('x2');
    expect(statusOf(catalog(), 'agent').eligibility.eligible).toBe(true);
  });

  it('env comes from the environment, entries.env, or apiKey for primaryEnv', () => {
    const metadata = {
      clawdbot: { primaryEnv: 'PLACES_KEY', requires: { env: ['PLACES_KEY', 'REGION'] } },
    };
    writeSkill(bundled, 'places', { metadata });
    expect(statusOf(catalog(), 'places').eligibility).toEqual({
      eligible: false,
      code: 'missing-env',
      missing: ['PLACES_KEY', 'REGION'],
      reason:
        'environment variable not set: PLACES_KEY, REGION (or set skills.entries.places.apiKey)',
    });
    const byConfig = catalog({
      skills: { entries: { places: { apiKey: 'k-123', env: { REGION: 'eu' } } } },
    });
    expect(statusOf(byConfig, 'places').eligibility.eligible).toBe(true);
    expect(byConfig.commandEnv()).toEqual({ PLACES_KEY: 'k-123', REGION: 'eu' });
    const byEnv = catalog({}, { PLACES_KEY: 'k', REGION: 'us' });
    expect(statusOf(byEnv, 'places').eligibility.eligible).toBe(true);
  });

  it('every config path must be truthy', () => {
    writeSkill(bundled, 'chat-actions', {
      metadata: { clawdbot: { requires: { config: ['channels.discord'] } } },
    });
    expect(statusOf(catalog(), 'chat-actions').eligibility).toEqual({
      eligible: false,
      code: 'missing-config',
      missing: ['channels.discord'],
      reason: 'config not set: channels.discord',
    });
    const configured = catalog({ channels: { discord: { token: 'x' } } });
    expect(statusOf(configured, 'chat-actions').eligibility.eligible).toBe(true);
  });

  it('skillKey names the config entry', () => {
    writeSkill(bundled, 'voice', { metadata: { clawdbot: { skillKey: 'voice-call' } } });
    const skills = catalog({ skills: { entries: { 'voice-call': { enabled: false } } } });
    expect(statusOf(skills, 'voice').eligibility).toMatchObject({ code: 'disabled' });
  });

  it('the prompt lists eligible skills with model invocation only', () => {
    writeSkill(bundled, 'shown');
    writeSkill(bundled, 'hidden', { extra: 'disable-model-invocation: true' });
    writeSkill(bundled, 'gated', { metadata: { clawdbot: { requires: { bins: ['absent'] } } } });
    const snapshot = catalog().snapshot();
    expect(snapshot.skills).toEqual([
      {
        name: 'shown',
        description: 'The shown skill.',
        location: join(bundled, 'shown', 'SKILL.md'),
      },
    ]);
    expect(catalog().snapshot('/hidden go').invoked?.name).toBe('hidden');
  });
});
