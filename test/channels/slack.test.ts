// Slack end to end: the real @slack/bolt against the fake Slack, the real gateway with its
// channel manager and delivery worker, the agent worker, Temporal and the scripted LLM —
// all in this process. Crash tests with child processes are in slack-crash.test.ts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeSlack, type FakeSlack, type SlackSentEntry } from '../fakes/slack/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

// Ids of this file only: every test file shares one Temporal server (sessions by key).
const agentId = 'slack-e2e';
const alice = 'U1ALICE';
const dmOf = (user: string) => `D1${user}`;
const general = 'C1GENERAL';
const quiet = 'C1QUIET';

let llm: FakeLlmServer;
let slack: FakeSlack;
/** A second workspace whose app uses HTTP events on the gateway's port. */
let slackHttp: FakeSlack;
let harness: ChannelGatewayHarness;

async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** What the bot posted in a conversation (its own echo events are not posts). */
const postsIn = (fake: FakeSlack, channel: string): SlackSentEntry[] =>
  fake.sent.filter((entry) => entry.channel === channel && entry.method === 'chat.postMessage');

/** A user with a DM conversation of their own. */
function newUser(id: string): { user: string; dm: string } {
  slack.addUser(id, id.toLowerCase());
  slack.addConversation({ id: dmOf(id), type: 'im', name: id });
  return { user: id, dm: dmOf(id) };
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  slack = await startFakeSlack({ ackTimeoutMs: 1000 });
  slackHttp = await startFakeSlack({
    teamId: 'T1HTTP',
    botToken: 'xoxb-http-workspace',
    signingSecret: 'http-workspace-secret',
    httpRetryDelaysMs: [500, 1000, 2000],
  });
  slack.addConversation({ id: general, type: 'channel', name: 'general' });
  slack.addConversation({ id: quiet, type: 'channel', name: 'quiet' });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // Frank is the owner: a reply to anyone else may send files of its sandbox workspace only.
      security: { owners: ['slack:U1FRANK'] },
    },
    channels: {
      slack: {
        botToken: slack.identity.botToken,
        appToken: slack.identity.appToken,
        apiUrl: slack.apiUrl,
        dmPolicy: 'pairing',
        allowFrom: [alice, 'U1BOB', 'U1CAROL', 'U1DAVE', 'U1ERIN', 'U1FRANK'],
        groupPolicy: 'allowlist',
        groups: { [general]: { requireMention: true } },
        accounts: {
          default: {},
          broken: { botToken: 'xoxb-revoked-token' },
          web: {
            mode: 'http',
            botToken: slackHttp.identity.botToken,
            signingSecret: slackHttp.identity.signingSecret,
            apiUrl: slackHttp.apiUrl,
            webhookPath: '/slack/events/web',
          },
        },
      },
    },
    tuning: { restart: { initialMs: 200, maxMs: 1000 } },
  });
  slackHttp.setRequestUrl(`${harness.url}/slack/events/web`);
  await until(() => slack.socketMode.openConnections > 0, 'the Socket Mode connection');
});

afterAll(async () => {
  await harness?.close();
  await slack?.close();
  await slackHttp?.close();
  await llm?.close();
});

describe('Slack end to end', () => {
  it('answers a direct message in the DM', async () => {
    const { user, dm } = newUser(alice);
    slack.userMessage({ channel: dm, user, text: 'hello from slack' });
    const [reply] = await until(() => postsIn(slack, dm)[0] && postsIn(slack, dm), 'the reply');
    expect(reply).toMatchObject({ text: 'echo: hello from slack', mrkdwn: true });
    expect(reply?.threadTs).toBeUndefined();
  });

  it('runs one turn and sends one reply for an event Slack delivers twice', async () => {
    const { user, dm } = newUser('U1BOB');
    const { deliveries } = slack.userMessage({ channel: dm, user, text: 'say it once' });
    await until(() => postsIn(slack, dm).length > 0, 'the reply');
    // Slack did not see the ack (say) and sends the envelope again.
    slack.socketMode.redeliver(deliveries[0] ?? '', 'timeout');
    await until(
      () => slack.socketMode.envelopes.get(deliveries[0] ?? '')?.attempt === 1 || undefined,
      'the redelivery',
    );
    await sleep(1500);
    expect(postsIn(slack, dm).map((post) => post.text)).toEqual(['echo: say it once']);
    expect(llm.requests.filter((request) => request.userText === 'say it once')).toHaveLength(1);
  });

  it('ignores a channel message without mention and answers a mention in its thread', async () => {
    const { user } = newUser('U1CAROL');
    const requests = llm.requests.length;
    const plain = slack.userMessage({ channel: general, user, text: 'lunch anyone?' });
    await until(
      () => slack.socketMode.envelopes.get(plain.deliveries[0] ?? '')?.ackedAt,
      'the ack of the unmentioned message',
    );
    const mention = slack.userMessage({
      channel: general,
      user,
      text: `<@${slack.identity.botUserId}> what is the plan?`,
    });
    const [reply] = await until(
      () => postsIn(slack, general)[0] && postsIn(slack, general),
      'the reply',
    );
    expect(reply).toMatchObject({ text: 'echo: what is the plan?', threadTs: mention.ts });
    expect(llm.requests.length).toBe(requests + 1);
    // A channel the group policy does not list gets nothing, mentioned or not.
    slack.userMessage({ channel: quiet, user, text: `<@${slack.identity.botUserId}> hello?` });
    await sleep(1500);
    expect(postsIn(slack, quiet)).toHaveLength(0);
    expect(llm.requests.length).toBe(requests + 1);
  });

  it('splits a 9,000-character reply into ordered chunks within Slack 4000', async () => {
    const { user, dm } = newUser('U1DAVE');
    const paragraphs = Array.from(
      { length: 30 },
      (_, index) =>
        `Paragraph ${String(index).padStart(2, '0')}: ${'lorem ipsum '.repeat(24).trim()}.`,
    );
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(9000);
    llm.scriptFor('the long answer', [{ kind: 'text', text }]);
    slack.userMessage({ channel: dm, user, text: 'the long answer' });
    const posts = await until(() => {
      const sent = postsIn(slack, dm);
      return sent.some((post) => post.text.includes('Paragraph 29')) && sent;
    }, 'every chunk');
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(posts.every((post) => post.text.length <= 4000)).toBe(true);
    const joined = posts.map((post) => post.text).join('\n\n');
    const positions = paragraphs.map((_, index) =>
      joined.indexOf(`Paragraph ${String(index).padStart(2, '0')}`),
    );
    expect(
      positions.every(
        (position, index) => position >= 0 && (index === 0 || position > positions[index - 1]!),
      ),
    ).toBe(true);
  });

  it('delivers once after Slack answers 429 with Retry-After', async () => {
    const { user, dm } = newUser('U1ERIN');
    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = Date.now();
    slack.userMessage({ channel: dm, user, text: 'slow down' });
    const [reply] = await until(() => postsIn(slack, dm)[0] && postsIn(slack, dm), 'the reply');
    expect(reply?.text).toBe('echo: slow down');
    const limited = slack.calls.find(
      (call) =>
        call.method === 'chat.postMessage' && call.status === 429 && call.args.channel === dm,
    );
    expect(limited).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await sleep(1000);
    expect(postsIn(slack, dm)).toHaveLength(1);
  });

  it('saves a file shared in Slack into the inbox, and uploads a file the agent names with MEDIA:', async () => {
    const { user, dm } = newUser('U1FRANK');
    slack.userMessage({
      channel: dm,
      user,
      text: 'here is my report',
      files: [
        { name: 'report.txt', mimetype: 'text/plain', bytes: Buffer.from('quarterly numbers') },
      ],
    });
    const request = await until(
      () => llm.requests.find((candidate) => candidate.userText.includes('here is my report')),
      'the turn',
    );
    const saved = request.userText.match(/\[attachment: (.+)\]/)?.[1];
    expect(saved?.startsWith(join(harness.paths.workspaceDir, 'inbox'))).toBe(true);
    expect(await readFile(saved ?? '', 'utf8')).toBe('quarterly numbers');

    const chart = join(harness.paths.workspaceDir, 'out', 'chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('not really a png'));
    llm.scriptFor('send the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    slack.userMessage({ channel: dm, user, text: 'send the chart' });
    const upload = await until(
      () =>
        slack.sent.find(
          (entry) => entry.method === 'files.completeUploadExternal' && entry.channel === dm,
        ),
      'the upload',
    );
    expect(upload.files).toEqual([expect.objectContaining({ name: 'chart.png', bytes: 16 })]);
    expect(postsIn(slack, dm).map((post) => post.text)).toContain('Here it is.');
  });

  it('sends an unknown sender one pairing code and no turn; approving lets the next message in', async () => {
    const { user, dm } = newUser('U1MALLORY');
    const requests = llm.requests.length;
    slack.userMessage({ channel: dm, user, text: 'let me in' });
    const [notice] = await until(
      () => postsIn(slack, dm)[0] && postsIn(slack, dm),
      'the pairing code',
    );
    const code = notice?.text.match(/\b([A-HJ-NP-Z2-9]{8})\b/)?.[1];
    expect(code).toBeDefined();
    expect(notice?.text).toContain(`slackUserId: ${user}`);
    expect(notice?.text).toContain(`clawdbot pairing approve slack ${code}`);
    slack.userMessage({ channel: dm, user, text: 'hello??' });
    await sleep(1000);
    expect(postsIn(slack, dm)).toHaveLength(1);
    expect(llm.requests.length).toBe(requests);

    await harness.call('pairing.approve', { channel: 'slack', code });
    await until(() => postsIn(slack, dm).length >= 2, 'the approval notice');
    slack.userMessage({ channel: dm, user, text: 'now may I?' });
    await until(
      () => postsIn(slack, dm).find((post) => post.text === 'echo: now may I?'),
      'the answer',
    );
  });

  it('answers events that Slack POSTs to the gateway (HTTP mode), signature checked', async () => {
    slackHttp.addConversation({ id: 'D1WEB', type: 'im', name: 'U1WEB' });
    expect(await slackHttp.eventsHttp.verifyUrl()).toBe(true);
    slackHttp.userMessage({ channel: 'D1WEB', user: 'U1WEB', text: 'over http' });
    // dmPolicy pairing: the unknown sender gets a code, over the HTTP workspace's Web API.
    const [notice] = await until(
      () => postsIn(slackHttp, 'D1WEB')[0] && postsIn(slackHttp, 'D1WEB'),
      'a reply',
    );
    expect(notice?.text).toContain('slackUserId: U1WEB');
    // The signature was accepted: no delivery refused. (On a loaded machine an answer can
    // miss Slack's 3 s and the retry is what gets the 200; the reply is still sent once.)
    // The fake records an answer after reading it, which can be after the notice arrived.
    const { deliveries } = slackHttp.eventsHttp;
    await until(
      () => deliveries.every((each) => each.status !== undefined || each.error !== undefined),
      'the deliveries answered',
    );
    const statuses = deliveries.map((delivery) => delivery.status);
    expect(statuses).toContain(200);
    expect(statuses.filter((status) => status !== undefined && status !== 200)).toEqual([]);
    expect(postsIn(slackHttp, 'D1WEB')).toHaveLength(1);
  });

  it('shows a bad token in the account status while the other accounts serve', async () => {
    const status = await until(async () => {
      const result = (await harness.call('channels.status', { channel: 'slack' })) as {
        accounts: { accountId: string; running: boolean; connected: boolean; lastError?: string }[];
      };
      const broken = result.accounts.find((account) => account.accountId === 'broken');
      return broken?.lastError ? result : undefined;
    }, 'the broken account status');
    const broken = status.accounts.find((account) => account.accountId === 'broken');
    expect(broken).toMatchObject({ running: false, connected: false });
    expect(broken?.lastError).toContain('invalid_auth');
    expect(status.accounts.find((account) => account.accountId === 'default')).toMatchObject({
      running: true,
      connected: true,
    });
    const health = (await (await fetch(`${harness.url}/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    // And the healthy account still answers.
    slack.userMessage({ channel: dmOf(alice), user: alice, text: 'still there?' });
    await until(
      () => postsIn(slack, dmOf(alice)).find((post) => post.text === 'echo: still there?'),
      'the answer',
    );
  });

  it('answers exactly once when the gateway restarts mid-turn', async () => {
    const { dm } = { dm: dmOf(alice) };
    // The stalled LLM call may finish before the worker stops or be retried after the
    // restart; either way the answer is the same text, sent once.
    llm.scriptFor('across a restart', [
      { kind: 'stall', ms: 3000, text: 'survived the restart' },
      { kind: 'text', text: 'survived the restart' },
    ]);
    const { deliveries } = slack.userMessage({
      channel: dm,
      user: alice,
      text: 'across a restart',
    });
    await until(
      () => llm.requests.some((request) => request.userText === 'across a restart'),
      'the turn',
    );
    await harness.restart();
    await until(
      () => postsIn(slack, dm).find((post) => post.text === 'survived the restart'),
      'the reply after the restart',
    );
    // The restarted gateway has no memory of the message: Slack redelivering it is a duplicate.
    slack.socketMode.redeliver(deliveries[0] ?? '', 'timeout');
    await sleep(2000);
    expect(postsIn(slack, dm).filter((post) => post.text === 'survived the restart')).toHaveLength(
      1,
    );
    expect(postsIn(slack, dm).some((post) => post.text === 'echo: across a restart')).toBe(false);
  });
});
