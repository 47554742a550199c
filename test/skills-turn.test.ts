// Skills inside real agent turns on Temporal, seen from the scripted model's side: the
// request carries the eligible skills and not the others, read_file reaches a skill's
// folder outside the workspace and nothing else there, a skill added to the workspace is
// offered on the next turn, `/<skill> args` starts the turn with that skill's
// instructions, and a skill's configured env reaches bash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import {
  startFakeLlmServer,
  type FakeLlmServer,
  type RecordedRequest,
} from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

let llm: FakeLlmServer;
let harness: AgentHarness;

function writeSkill(dir: string, name: string, frontmatter: string[], body: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'SKILL.md'),
    ['---', `name: ${name}`, ...frontmatter, '---', body].join('\n'),
  );
  return folder;
}

/** The system prompt of a request, as the Anthropic SDK sent it. */
function systemOf(request: RecordedRequest): string {
  const system = (request.body as { system?: unknown }).system;
  if (typeof system === 'string') return system;
  if (Array.isArray(system))
    return system.map((block) => (block as { text?: string }).text ?? '').join('\n');
  return '';
}

function skillNames(request: RecordedRequest): string[] {
  return [...systemOf(request).matchAll(/<skill><name>([^<]+)<\/name>/g)].map((match) => match[1]!);
}

function requestFor(text: string): RecordedRequest {
  const found = llm.requests.find((request) => request.userText.includes(text));
  if (!found) throw new Error(`no LLM request for "${text}"`);
  return found;
}

function toolResults(entries: TranscriptEntry[]): { text: string; isError: boolean }[] {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult'
      ? [
          {
            text: entry.message.content.map((block) => block.text).join(''),
            isError: entry.message.isError,
          },
        ]
      : [],
  );
}

async function turn(sessionKey: string, text: string) {
  const runId = await harness.send(sessionKey, text);
  const outcome = await harness.wait(runId, sessionKey);
  expect(outcome.status).toBe('ok');
  return outcome;
}

let managedNotes: string;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startAgentHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    config: {
      skills: { entries: { 'env-probe': { env: { SKILL_PROBE_TOKEN: 'probe-42' } } } },
    },
  });
  const workspaceSkills = join(harness.paths.workspaceDir, 'skills');
  managedNotes = writeSkill(
    harness.paths.skillsDir,
    'state-notes',
    ['description: Keep notes in the state dir.'],
    '# State notes\n\nThe notes live in {baseDir}/notes.txt.\n',
  );
  writeFileSync(join(managedNotes, 'notes.txt'), 'remember the milk\n');
  writeSkill(
    workspaceSkills,
    'gated-tool',
    [
      'description: Needs a program that is not installed.',
      'metadata: {"clawdbot":{"requires":{"bins":["clawdbot-test-absent-binary"]}}}',
    ],
    '# Gated\n',
  );
  writeSkill(
    harness.paths.skillsDir,
    'hidden-gated',
    [
      'description: Needs a variable nobody set.',
      'metadata: {"openclaw":{"requires":{"env":["CLAWDBOT_TEST_NEVER_SET"]}}}',
    ],
    '# Hidden\n',
  );
  writeSkill(
    workspaceSkills,
    'env-probe',
    ['description: Shows the configured token.'],
    '# Env probe\n',
  );
  writeSkill(
    workspaceSkills,
    'release-notes',
    ['description: Write release notes from the git log.'],
    '# Release notes\n\nRun {baseDir}/collect.sh first, then group the commits by area.\n',
  );
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('skills in a turn', () => {
  it("the model's request lists the eligible skills and not the ineligible ones", async () => {
    await turn('agent:main:skills-prompt', 'what skills do you have?');
    const request = requestFor('what skills do you have?');
    const names = skillNames(request);
    // Bundled: weather gates on curl (installed here), 1password on `op` (not installed),
    // apple-notes on macOS.
    expect(names).toContain('weather');
    expect(names).not.toContain('1password');
    expect(names).not.toContain('apple-notes');
    expect(names).toEqual(expect.arrayContaining(['state-notes', 'release-notes', 'env-probe']));
    expect(names).not.toContain('gated-tool');
    expect(names).not.toContain('hidden-gated');
    const system = systemOf(request);
    expect(system).toContain('<available_skills>');
    expect(system).toContain(`<location>${join(managedNotes, 'SKILL.md')}</location>`);
    expect(system).toMatch(/read its SKILL\.md with read_file/);
  });

  it('read_file reads an eligible skill outside the workspace, and nothing else outside it', async () => {
    const skillFile = join(managedNotes, 'SKILL.md');
    const notes = join(managedNotes, 'notes.txt');
    const config = harness.paths.configFile;
    const gated = join(harness.paths.skillsDir, 'hidden-gated', 'SKILL.md');
    llm.scriptFor('use the state notes', [
      {
        kind: 'tool_calls',
        calls: [
          { id: 'read_skill', name: 'read_file', arguments: { path: skillFile } },
          { id: 'read_notes', name: 'read_file', arguments: { path: notes } },
          { id: 'read_config', name: 'read_file', arguments: { path: config } },
          { id: 'read_gated', name: 'read_file', arguments: { path: gated } },
          { id: 'write_skill', name: 'write_file', arguments: { path: notes, content: 'x' } },
        ],
      },
      { kind: 'text', text: 'Read it.' },
    ]);
    const sessionKey = 'agent:main:skills-read';
    await turn(sessionKey, 'please use the state notes');
    const results = toolResults(await harness.transcript(sessionKey));
    expect(results).toHaveLength(5);
    expect(results[0]).toMatchObject({ isError: false });
    expect(results[0]!.text).toContain('# State notes');
    expect(results[1]).toEqual({ isError: false, text: 'remember the milk' });
    expect(results[2]).toMatchObject({ isError: true });
    expect(results[2]!.text).toContain('outside the workspace');
    expect(results[3]).toMatchObject({ isError: true });
    expect(results[3]!.text).toContain('outside the workspace');
    expect(results[4]).toMatchObject({ isError: true });
    expect(results[4]!.text).toContain('outside the workspace');
  });

  it('a skill added to the workspace is offered on the next turn', async () => {
    const sessionKey = 'agent:main:skills-fresh';
    await turn(sessionKey, 'first turn before the new skill');
    expect(skillNames(requestFor('first turn before the new skill'))).not.toContain('fresh-skill');
    writeSkill(
      join(harness.paths.workspaceDir, 'skills'),
      'fresh-skill',
      ['description: Added while the assistant was running.'],
      '# Fresh\n',
    );
    await turn(sessionKey, 'second turn after the new skill');
    expect(skillNames(requestFor('second turn after the new skill'))).toContain('fresh-skill');
  });

  it('/<skill> args starts the turn with that skill’s instructions', async () => {
    const folder = join(harness.paths.workspaceDir, 'skills', 'release-notes');
    await turn('agent:main:skills-slash', '/release-notes v1.2.0');
    const system = systemOf(requestFor('/release-notes v1.2.0'));
    expect(system).toContain('## Skill invoked: release-notes');
    expect(system).toContain('followed by: v1.2.0');
    expect(system).toContain(`Run ${folder}/collect.sh first`);
    // An ordinary message carries no invocation.
    expect(systemOf(requestFor('what skills do you have?'))).not.toContain('Skill invoked');
  });

  it("a skill's configured env reaches bash, not the worker's own environment", async () => {
    llm.scriptFor('show the probe token', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'probe',
            name: 'bash',
            // In two pieces: a configured secret printed whole is masked ([REDACTED]).
            arguments: {
              command: 'echo "token=${SKILL_PROBE_TOKEN:0:5}/${SKILL_PROBE_TOKEN:6}"',
            },
          },
        ],
      },
      { kind: 'text', text: 'Shown.' },
    ]);
    const sessionKey = 'agent:main:skills-env';
    await turn(sessionKey, 'show the probe token');
    const [result] = toolResults(await harness.transcript(sessionKey));
    expect(result!.text).toContain('token=probe/42');
    expect(process.env.SKILL_PROBE_TOKEN).toBeUndefined();
  });
});
