import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callGateway } from '../../cli/gateway-client.js';
import { packageRoot } from '../../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { activitiesRun } from '../helpers/history-activities.js';

// A user plugin (test/fixtures/plugins/hello-tools) loaded by the real runtime: its tool
// runs as its own `tool.<name>` activity, its gateway method and HTTP routes answer on the
// gateway's port, its turn hooks change what the model sees and which tools run.

const token = 'plugin-test-token';
let llm: FakeLlmServer;
let harness: ChannelGatewayHarness;

const call = (method: string, params?: unknown) =>
  callGateway(
    { url: harness.url.replace('http', 'ws') + '/', token, timeoutMs: 60_000 },
    method,
    params,
  );

async function turn(sessionKey: string, message: string) {
  // The gateway answers `agent` early (accepted); the tool result reaches the model's
  // next request, which is what these turns are about.
  const before = llm.requests.length;
  const { runId } = (await call('agent', {
    message,
    sessionKey,
    idempotencyKey: `${sessionKey}-${message}`,
  })) as { runId: string };
  for (let waited = 0; waited < 1200; waited++) {
    const next = llm.requests.slice(before).find((request) => request.toolResults.length > 0);
    if (next) return { runId, text: next.toolResults.join('\n') };
    await sleep(100);
  }
  throw new Error(`no tool result reached the model in run ${runId}`);
}

/** The events of every run of the session's workflow, once `ready` holds for them. */
async function historyOf(
  sessionKey: string,
  ready: (events: HistoryEvent[]) => boolean,
): Promise<HistoryEvent[]> {
  const query = `ClawdbotSessionKey = '${sessionKey}'`;
  let events: HistoryEvent[] = [];
  for (let attempt = 0; attempt < 600; attempt++) {
    events = [];
    for await (const execution of harness.client.workflow.list({ query })) {
      const handle = harness.client.workflow.getHandle(execution.workflowId, execution.runId);
      events.push(...((await handle.fetchHistory()).events ?? []));
    }
    if (ready(events)) return events;
    await sleep(100);
  }
  return events;
}

type HistoryEvent = NonNullable<
  Awaited<
    ReturnType<ReturnType<ChannelGatewayHarness['client']['workflow']['getHandle']>['fetchHistory']>
  >['events']
>[number];

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
    config: {
      agent: { id: 'plugapi' },
      gateway: { auth: { token } },
      plugins: {
        load: { paths: [join(packageRoot, 'test', 'fixtures', 'plugins', 'hello-tools')] },
        entries: {
          'hello-tools': {
            config: {
              greeting: 'hi',
              context: 'PLUGIN-CONTEXT-7731: the user likes short answers.',
              blockTool: 'write_file',
              webhookSecret: 's3cret',
            },
          },
        },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('a user plugin in the runtime', () => {
  it('its tool runs as its own tool.<name> activity, offered to the model', async () => {
    const key = 'agent:plugapi:tool';
    const { text } = await turn(key, 'TOOL hello_echo {"text":"world"}');
    expect(text).toBe('hi: world');
    const offered = JSON.stringify(llm.requests.at(-1)!.body);
    expect(offered).toContain('hello_echo');
    const events = await historyOf(key, (all) => activitiesRun(all).includes('tool.hello_echo'));
    expect(activitiesRun(events)).toContain('tool.hello_echo');
  });

  it('before_agent_start adds context the model receives on every step', async () => {
    const before = llm.requests.length;
    await turn('agent:plugapi:context', 'TOOL hello_echo {"text":"again"}');
    const requests = llm.requests.slice(before, before + 2);
    expect(requests.length).toBe(2);
    for (const request of requests)
      expect(JSON.stringify(request.body)).toContain('PLUGIN-CONTEXT-7731');
  });

  it('before_tool_call blocks a call, recorded in history, and the tool never runs', async () => {
    const key = 'agent:plugapi:block';
    const { text } = await turn(key, 'TOOL write_file {"path":"x.txt","content":"no"}');
    expect(text).toContain('blocked by a plugin');
    expect(text).toContain('hello-tools blocks write_file');
    expect(existsSync(join(harness.paths.workspaceDir, 'x.txt'))).toBe(false);
    // The hook ran as a local activity (its decision is in the history, replayed as is),
    // and the blocked tool never ran, as an activity or a local one.
    const events = await historyOf(key, (all) =>
      activitiesRun(all).includes('plugins.beforeToolCall'),
    );
    expect(activitiesRun(events)).toContain('plugins.beforeToolCall');
    expect(activitiesRun(events)).not.toContain('tool.write_file');
  });

  it('observing hooks and services run', () => {
    const events = readFileSync(join(harness.paths.stateDir, 'hello-events.log'), 'utf8');
    expect(events).toContain('gateway_start');
    expect(events).toContain('after_tool_call hello_echo');
    expect(events).toContain('agent_end ok after the reply');
    expect(events).not.toContain('before the reply');
    expect(readFileSync(join(harness.paths.stateDir, 'hello-service.state'), 'utf8')).toBe(
      'started',
    );
  });

  it('its gateway method answers and plugins.list reports it', async () => {
    expect(await call('hello.ping', { name: 'bob' })).toEqual({ pong: 'hi, bob' });
    const listed = (await call('plugins.list')) as {
      plugins: {
        id: string;
        status: string;
        registered: { tools: string[]; httpRoutes: string[] };
      }[];
    };
    // The bundled plugins are listed too, off: none of their channels is configured here.
    const hello = listed.plugins.find((plugin) => plugin.id === 'hello-tools');
    expect(hello).toMatchObject({ status: 'loaded' });
    expect(
      listed.plugins.filter((plugin) => plugin.id !== 'hello-tools').map((each) => each.status),
    ).not.toContain('loaded');
    expect(hello!.registered.tools).toEqual(['hello_echo']);
    expect(hello!.registered.httpRoutes).toEqual([
      'GET /plugins/hello-tools/ping',
      'POST /plugins/hello-tools/webhook',
    ]);
  });

  it('its HTTP routes: gateway auth unless a webhook, which checks its own secret', async () => {
    const ping = `${harness.url}/plugins/hello-tools/ping?x=1`;
    expect((await fetch(ping)).status).toBe(401);
    const authed = await fetch(ping, { headers: { authorization: `Bearer ${token}` } });
    expect(authed.status).toBe(200);
    expect(await authed.json()).toEqual({ pong: true, query: { x: '1' } });
    const hook = `${harness.url}/plugins/hello-tools/webhook`;
    const body = '{"raw": true}';
    expect((await fetch(hook, { method: 'POST', body })).status).toBe(401);
    const accepted = await fetch(hook, {
      method: 'POST',
      body,
      headers: { 'x-hello-secret': 's3cret', 'content-type': 'application/json' },
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ received: body });
  });
});
