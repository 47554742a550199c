import { describe, expect, it } from 'vitest';
import { configSchemaMethod } from './config-schema.js';
import type { RequestContext } from './types.js';

describe('config.schema', () => {
  it('answers the JSON Schema of clawdbot.json with its descriptions and marks secrets', async () => {
    const answer = await configSchemaMethod.handler(undefined, {} as RequestContext);
    const result = configSchemaMethod.result.parse(answer);
    const properties = result.schema.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['gateway', 'agent', 'skills']));
    expect(properties.channels?.description).toMatch(/one section per channel/);
    expect(result.uiHints).toMatchObject({
      'gateway.auth.token': { sensitive: true },
      'gateway.auth.password': { sensitive: true },
      'providers.anthropic.apiKey': { sensitive: true },
      'skills.entries.*.apiKey': { sensitive: true },
    });
    expect(result.uiHints['gateway.port']).toBeUndefined();
  });
});
