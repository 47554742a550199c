// skills.status and skills.update over a real gateway socket: the reason a skill is not
// used, its install options, and settings written to clawdbot.json that change the verdict.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, TestClient, type TestGateway } from '../ws/test-harness.js';
import { REDACTED } from './config-document.js';
import { skillsStatusResult, skillsUpdateResult } from './skills-protocol.js';

let gateway: TestGateway | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  client?.close();
  await gateway?.close();
  gateway = undefined;
  client = undefined;
});

async function status(c: TestClient, name?: string) {
  const response = await c.request('skills.status', name !== undefined ? { name } : {});
  return skillsStatusResult.parse(response.payload);
}

describe('skills.status / skills.update', () => {
  it('says why each skill is left out, and an update written to config changes it', async () => {
    gateway = await startTestGateway();
    client = (await TestClient.connected(gateway.url)).client;
    const folder = join(gateway.paths.workspaceDir, 'skills', 'maps');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'SKILL.md'),
      [
        '---',
        'name: maps',
        'description: Look places up.',
        'metadata: {"openclaw":{"primaryEnv":"MAPS_KEY","requires":{"env":["MAPS_KEY"]}}}',
        '---',
        '# Maps',
      ].join('\n'),
    );

    const all = await status(client);
    const byName = new Map(all.skills.map((skill) => [skill.name, skill]));
    expect(byName.get('weather')).toMatchObject({
      source: 'bundled',
      eligibility: { eligible: true },
    });
    expect(byName.get('1password')).toMatchObject({
      eligibility: {
        eligible: false,
        code: 'missing-bins',
        missing: ['op'],
        reason: 'missing on PATH: op',
      },
    });
    expect(byName.get('1password')!.install.length).toBeGreaterThan(0);
    expect(byName.get('apple-notes')!.eligibility).toMatchObject({ code: 'os' });
    expect(byName.get('maps')).toMatchObject({
      source: 'workspace',
      eligibility: {
        eligible: false,
        code: 'missing-env',
        reason: 'environment variable not set: MAPS_KEY (or set skills.entries.maps.apiKey)',
      },
    });

    const update = await client.request('skills.update', {
      skillKey: 'maps',
      apiKey: 'maps-secret-1',
      env: { MAPS_REGION: 'eu' },
    });
    expect(skillsUpdateResult.parse(update.payload)).toEqual({
      ok: true,
      skillKey: 'maps',
      entry: { apiKey: REDACTED, env: { MAPS_REGION: 'eu' } },
    });
    expect(JSON.stringify(update)).not.toContain('maps-secret-1');
    const written = JSON.parse(readFileSync(gateway.paths.configFile, 'utf8')) as unknown;
    expect(written).toEqual({
      skills: { entries: { maps: { apiKey: 'maps-secret-1', env: { MAPS_REGION: 'eu' } } } },
    });
    expect((await status(client, 'maps')).skills[0]!.eligibility).toEqual({
      eligible: true,
      always: false,
    });

    await client.request('skills.update', {
      skillKey: 'maps',
      enabled: false,
      env: { MAPS_REGION: null },
    });
    const [maps] = (await status(client, 'maps')).skills;
    expect(maps!.eligibility).toMatchObject({ eligible: false, code: 'disabled' });
    expect(JSON.parse(readFileSync(gateway.paths.configFile, 'utf8'))).toEqual({
      skills: { entries: { maps: { apiKey: 'maps-secret-1', enabled: false, env: {} } } },
    });

    const missing = await client.request('skills.status', { name: 'no-such-skill' });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
