import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClawdbotError } from '../errors.js';
import { loadConfig, writeConfig } from './load.js';

function configFile(text?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'clawdbot-config-')), 'clawdbot.json');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

function loadError(file: string, env: NodeJS.ProcessEnv = {}): ClawdbotError {
  try {
    loadConfig(file, env);
  } catch (error) {
    if (error instanceof ClawdbotError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives defaults when the file is absent', () => {
    const loaded = loadConfig(configFile(), {});
    expect(loaded.exists).toBe(false);
    expect(loaded.config.gateway).toMatchObject({ bind: '127.0.0.1', port: 18789 });
    expect(loaded.config.temporal).toMatchObject({
      namespace: 'default',
      taskQueue: 'clawdbot',
      dev: { port: 7233, uiPort: 8233 },
    });
  });

  it('accepts JSON5: comments, trailing commas, unquoted keys', () => {
    const file = configFile(`{
      // my gateway
      gateway: { port: 19000, },
      agent: { model: 'openai/gpt-4.1' },
    }`);
    const { config } = loadConfig(file, {});
    expect(config.gateway.port).toBe(19000);
    expect(config.agent.model).toBe('openai/gpt-4.1');
  });

  it('lets the environment override secrets and the default model', () => {
    const file = configFile(
      JSON.stringify({
        agent: { model: 'anthropic/claude-sonnet-4-5' },
        providers: { openai: { apiKey: 'from-file' } },
      }),
    );
    const { config } = loadConfig(file, {
      OPENAI_API_KEY: 'from-env',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      ANTHROPIC_API_KEY: 'sk-ant',
      CLAWDBOT_GATEWAY_TOKEN: 'token-1234',
      CLAWDBOT_MODEL: 'openai/gpt-4.1',
    });
    expect(config.providers.openai).toEqual({
      apiKey: 'from-env',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
    expect(config.providers.anthropic.apiKey).toBe('sk-ant');
    expect(config.gateway.auth.token).toBe('token-1234');
    expect(config.agent.model).toBe('openai/gpt-4.1');
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const error = loadError(configFile(JSON.stringify({ gateway: { prot: 1 } })));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/gateway: .*prot/);
  });

  it('reports JSON5 syntax errors with the file and position', () => {
    const file = configFile('{ gateway: { port: 1,, } }');
    const error = loadError(file);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/at 1:\d+/);
  });

  it('writeConfig validates before writing and leaves the old file on failure', () => {
    const file = configFile(JSON.stringify({ gateway: { port: 19001 } }));
    expect(() => writeConfig(file, { gateway: { port: -1 } })).toThrow(ClawdbotError);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ gateway: { port: 19001 } });
    writeConfig(file, { gateway: { port: 19002 } });
    expect(loadConfig(file, {}).config.gateway.port).toBe(19002);
  });
});
