import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findTool, tools } from './index.js';
import { defineTool, runTool, ToolError, toolJsonSchema, type ToolContext } from './tool.js';

let workspaceDir: string;
beforeEach(async () => {
  workspaceDir = await mkdtemp(join(tmpdir(), 'clawdbot-tool-'));
});
afterEach(async () => {
  await rm(workspaceDir, { recursive: true, force: true });
});

function context(): ToolContext {
  return {
    workspaceDir,
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal: new AbortController().signal,
    heartbeat: () => {},
  };
}

const echoTool = defineTool({
  name: 'echo',
  description: 'Echo a word.',
  inputSchema: z.object({
    word: z.string().describe('The word'),
    times: z.number().int().min(1).optional().describe('How often'),
  }),
  policy: { startToCloseTimeoutMs: 1000, maximumAttempts: 1, idempotent: true },
  execute(input) {
    if (input.word === 'tool-error') throw new ToolError('FILE_NOT_FOUND', 'No such word.');
    if (input.word === 'crash') throw new Error('disk on fire');
    return Promise.resolve({ text: input.word.repeat(input.times ?? 1) });
  },
});

describe('runTool', () => {
  it('passes parsed input to execute', async () => {
    expect(await runTool(echoTool, { word: 'ab', times: 2 }, context())).toEqual({ text: 'abab' });
  });

  it('turns invalid arguments into an error result naming each field', async () => {
    const result = await runTool(echoTool, { times: 'x' }, context());
    expect(result.isError).toBe(true);
    expect(result.text).toContain('Invalid arguments for echo');
    expect(result.text).toMatch(/- word: .*expected string/);
    expect(result.text).toMatch(/- times: .*expected number/);
    expect(result.details).toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });

  it('reports arguments that are not an object', async () => {
    const result = await runTool(echoTool, 'word', context());
    expect(result.isError).toBe(true);
    expect(result.text).toContain('- (arguments): Invalid input: expected object');
  });

  it('turns a ToolError into an error result with its code', async () => {
    const result = await runTool(echoTool, { word: 'tool-error' }, context());
    expect(result).toEqual({
      text: 'No such word.',
      isError: true,
      details: { code: 'FILE_NOT_FOUND' },
    });
  });

  it('rethrows other errors so the activity can retry', async () => {
    await expect(runTool(echoTool, { word: 'crash' }, context())).rejects.toThrow('disk on fire');
  });
});

describe('toolJsonSchema', () => {
  it('describes an object with properties and required fields, without $schema', () => {
    const schema = toolJsonSchema(echoTool);
    expect(schema).toMatchObject({
      type: 'object',
      properties: { word: { type: 'string', description: 'The word' } },
      required: ['word'],
    });
    expect(schema).not.toHaveProperty('$schema');
  });

  it.each(tools.map((tool) => [tool.name, tool] as const))(
    '%s: has a JSON schema whose every field is described',
    (_name, tool) => {
      const schema = toolJsonSchema(tool) as {
        type: string;
        properties: Record<string, { description?: string }>;
        required?: string[];
      };
      expect(schema.type).toBe('object');
      // Every required field is a declared property (a tool may have no required field).
      for (const field of schema.required ?? []) expect(schema.properties).toHaveProperty(field);
      for (const [field, property] of Object.entries(schema.properties)) {
        expect(property.description, field).toBeTruthy();
      }
    },
  );

  it('leaves fields with defaults optional (they are input, not output)', () => {
    const schema = toolJsonSchema(findTool('bash')!);
    expect(schema.required).toEqual(['command']);
  });
});

describe('tools registry', () => {
  it('registers every tool under a unique name, the workspace tools first', () => {
    const names = tools.map((tool) => tool.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 6)).toEqual([
      'read_file',
      'write_file',
      'edit_file',
      'apply_patch',
      'bash',
      'process',
    ]);
    expect(findTool('edit_file')?.name).toBe('edit_file');
    expect(findTool('nope')).toBeUndefined();
  });

  it('never retries a tool that is not idempotent', () => {
    for (const tool of tools) {
      if (!tool.policy.idempotent) expect(tool.policy.maximumAttempts, tool.name).toBe(1);
    }
  });
});
