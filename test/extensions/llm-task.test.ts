import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { messageText } from '../../core/messages.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { expectBundledPluginLoaded } from '../helpers/bundled-plugin.js';

// The bundled llm-task plugin: the model calls llm_task, whose own LLM step (the scripted
// LLM, over the real OpenAI SDK) answers invalid JSON first; the tool shows the model its
// problem and asks again until the answer matches the schema.

let llm: FakeLlmServer;
let harness: ChannelGatewayHarness;

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

/** A turn whose model calls llm_task with `args`; resolves to the turn's final reply. */
async function llmTaskTurn(sessionKey: string, args: Record<string, unknown>): Promise<string> {
  const { runId } = (await harness.call('agent', {
    sessionKey,
    message: `TOOL llm_task ${JSON.stringify(args)}`,
    idempotencyKey: sessionKey,
  })) as { runId: string };
  await harness.call('agent.wait', { runId, timeoutMs: 60_000 });
  const last = (await harness.transcript(sessionKey))
    .flatMap((entry) => (entry.type === 'message' ? [entry.message] : []))
    .filter((message) => message.role === 'assistant')
    .at(-1);
  return last ? messageText(last) : '';
}

/** The llm_task step's own requests: its task text is the user's last words there. */
const taskRequests = () =>
  llm.requests.filter(
    (request) =>
      request.userText.startsWith('Task: ') ||
      request.userText.startsWith('Your answer was not valid'),
  );

beforeAll(async () => {
  llm = await startFakeLlmServer();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: {
      agent: { id: 'llmtask' },
      plugins: { entries: { 'llm-task': { enabled: true, config: { maxAttempts: 3 } } } },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('llm_task', () => {
  it('is the bundled plugin in extensions/llm-task, loaded, with the llm_task tool', async () => {
    const plugin = await expectBundledPluginLoaded(
      (method, params) => harness.call(method, params),
      'llm-task',
      'extensions/llm-task',
    );
    expect(plugin.registered).toMatchObject({ tools: ['llm_task'] });
  });

  it('retries invalid output, telling the model what was wrong, and returns validated JSON', async () => {
    // First answer is no JSON, the second breaks the schema, the third is right.
    llm.scriptFor('Task: Extract the person', [{ kind: 'text', text: 'Sure! The person is Ada.' }]);
    llm.scriptFor('Your answer was not valid', [
      { kind: 'text', text: '{"name": "Ada", "age": "thirty-six"}' },
      { kind: 'text', text: '```json\n{"name": "Ada", "age": 36}\n```' },
    ]);
    const reply = await llmTaskTurn('agent:llmtask:retry', {
      prompt: 'Extract the person',
      input: { text: 'Ada Lovelace turned 36 in 1851.' },
      schema,
    });
    // The turn's model got the validated value as the tool's result.
    expect(reply).toBe('DONE {"name":"Ada","age":36}');
    const steps = taskRequests();
    expect(steps).toHaveLength(3);
    expect(steps[0]!.userText).toContain('Ada Lovelace turned 36');
    expect(steps[0]!.userText).toContain('"required"');
    expect(steps[1]!.userText).toContain('not JSON');
    expect(steps[2]!.userText).toContain('age');
    // A JSON-only step: no tools offered to it.
    expect(JSON.stringify(steps[0]!.body)).not.toContain('"tools"');
  });

  it('gives up after maxAttempts with the last problem as an error result', async () => {
    llm.reset();
    llm.scriptFor('Task: Classify', [{ kind: 'text', text: '["not", "an", "object"]' }]);
    llm.scriptFor('Your answer was not valid', [
      { kind: 'text', text: 'still prose' },
      { kind: 'text', text: '{"name": 7}' },
    ]);
    const reply = await llmTaskTurn('agent:llmtask:giveup', {
      prompt: 'Classify the person',
      input: 'Grace Hopper',
      schema,
    });
    expect(taskRequests()).toHaveLength(3);
    expect(reply).toContain('no valid JSON after 3 attempt(s)');
    expect(reply).toContain('does not match the schema');
  });

  it('a provider failure fails the activity, and the retry by Temporal gets the answer', async () => {
    llm.reset();
    llm.scriptFor('Task: Name the person', [
      { kind: 'error', status: 503, message: 'overloaded' },
      { kind: 'text', text: '{"name": "Grace", "age": 85}' },
    ]);
    const reply = await llmTaskTurn('agent:llmtask:transient', {
      prompt: 'Name the person',
      input: 'Grace Hopper, 85',
      schema,
    });
    expect(reply).toBe('DONE {"name":"Grace","age":85}');
    expect(taskRequests()).toHaveLength(2);
  });

  it('refuses a schema it cannot use without calling the model', async () => {
    llm.reset();
    const reply = await llmTaskTurn('agent:llmtask:badschema', {
      prompt: 'Anything',
      schema: { type: 'no-such-type' },
    });
    expect(reply).toContain('not a usable JSON Schema');
    expect(taskRequests()).toHaveLength(0);
  });
});
