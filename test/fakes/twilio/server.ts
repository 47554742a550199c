// A fake of Twilio's Programmable Voice REST API (2010-04-01 Calls resource) and of the
// webhooks Twilio sends while a call runs, written from Twilio's public docs:
//  - POST /2010-04-01/Accounts/{AccountSid}/Calls.json (form-encoded To, From, Twiml|Url,
//    StatusCallback, StatusCallbackMethod, StatusCallbackEvent repeated, TimeLimit) → 201
//    and the call resource (sid CA…, status queued); GET/POST Calls/{CallSid}.json read
//    the call / change it (Twiml: new instructions; Status=completed|canceled: hang up).
//    HTTP Basic auth with AccountSid:AuthToken; errors as {code, message, more_info, status}.
//  - status callbacks (initiated, ringing, answered → CallStatus in-progress, completed)
//    POSTed form-encoded to StatusCallback, and <Gather input="speech"> results (SpeechResult,
//    Confidence) POSTed to the Gather's action, each signed with X-Twilio-Signature =
//    base64(HMAC-SHA1(AuthToken, url + every POST parameter name and value, sorted by name)).
//  - <Play> URLs of the TwiML in force are fetched (GET), as Twilio fetches media to play.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenHttpFake, postWebhook, readForm, sendJson } from '../http-fake.js';

/** One <Play> fetch: what the plugin served. */
export interface FakePlayed {
  url: string;
  status: number;
  contentType: string;
  bytes: number;
  riff: boolean;
}

/** One call as the fake holds it. */
export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  status: string;
  statusCallback?: string;
  statusEvents: string[];
  /** Every TwiML document the call was given, in order (Twiml at create, then updates). */
  twiml: string[];
  /** The action URL of the <Gather> in force, when there is one. */
  gatherAction?: string;
  played: FakePlayed[];
  /** Answers of the plugin to each callback: [event, HTTP status]. */
  callbacks: [string, number][];
  startedAt: number;
  answeredAt?: number;
}

/** The fake and what it saw. */
export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  calls: FakeCall[];
  /** The person says `text`: a signed Gather result goes to the <Gather>'s action. */
  say(callSid: string, text: string): Promise<number>;
  /** The person hangs up. */
  hangUp(callSid: string): Promise<void>;
  /** Sign a webhook request as Twilio does (for tests that forge one). */
  sign(url: string, params: Record<string, string>, token?: string): string;
  waitFor<T>(check: () => T | false | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const API = '/2010-04-01/Accounts/';

function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return match?.[1]?.replace(/&amp;/g, '&');
}

/** Start the fake on 127.0.0.1. */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const calls: FakeCall[] = [];
  const pending = new Set<Promise<unknown>>();

  const resource = (call: FakeCall) => ({
    sid: call.sid,
    account_sid: accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    status: call.status,
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: new Date(call.startedAt).toUTCString(),
    date_updated: new Date().toUTCString(),
    start_time: call.answeredAt ? new Date(call.answeredAt).toUTCString() : null,
    duration: call.status === 'completed' ? String(duration(call)) : null,
    price: null,
    uri: `${API}${accountSid}/Calls/${call.sid}.json`,
  });
  const duration = (call: FakeCall) =>
    call.answeredAt ? Math.max(1, Math.round((Date.now() - call.answeredAt) / 1000)) : 0;

  const fail = (response: ServerResponse, status: number, code: number, message: string) =>
    sendJson(response, status, {
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });

  /** POST a signed webhook; answers the plugin's status and body. */
  function webhook(url: string, params: Record<string, string>) {
    return postWebhook(url, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
    });
  }

  const track = <T>(work: Promise<T>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  const callParams = (call: FakeCall): Record<string, string> => ({
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.sid,
    CallStatus: call.status,
    Called: call.to,
    Caller: call.from,
    Direction: 'outbound-api',
    From: call.from,
    To: call.to,
  });

  async function statusEvent(call: FakeCall, event: string, status: string) {
    call.status = status;
    if (status === 'in-progress') call.answeredAt = Date.now();
    if (!call.statusCallback || !call.statusEvents.includes(event)) return;
    const params: Record<string, string> = {
      ...callParams(call),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.callbacks.length),
      Timestamp: new Date().toUTCString(),
      ...(event === 'completed' ? { CallDuration: String(duration(call)) } : {}),
    };
    const answer = await webhook(call.statusCallback, params);
    call.callbacks.push([event, answer.status]);
  }

  /** Run the TwiML in force: fetch what it plays; hang up after a bare <Hangup/>. */
  async function execute(call: FakeCall, twiml: string) {
    call.twiml.push(twiml);
    const gather = /<Gather\b[^>]*>/.exec(twiml)?.[0];
    call.gatherAction = gather ? attribute(gather, 'action') : undefined;
    for (const play of twiml.matchAll(/<Play[^>]*>([^<]+)<\/Play>/g)) {
      const url = play[1]!.replace(/&amp;/g, '&');
      const response = await fetch(url);
      const bytes = Buffer.from(await response.arrayBuffer());
      call.played.push({
        url,
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        bytes: bytes.length,
        riff: bytes.subarray(0, 4).toString('latin1') === 'RIFF',
      });
    }
    if (!gather && /<Hangup\s*\/>/.test(twiml)) await finish(call, 'completed');
  }

  async function finish(call: FakeCall, status: 'completed' | 'canceled') {
    if (['completed', 'canceled', 'busy', 'failed', 'no-answer'].includes(call.status)) return;
    await statusEvent(call, 'completed', status);
  }

  async function progress(call: FakeCall) {
    // Twilio dials, the phone rings, the person picks up; then the TwiML runs.
    await statusEvent(call, 'initiated', 'initiated');
    await statusEvent(call, 'ringing', 'ringing');
    await sleep(20);
    await statusEvent(call, 'answered', 'in-progress');
    const first = call.twiml.shift();
    if (first !== undefined) await execute(call, first);
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const auth = request.headers.authorization ?? '';
    const [user, password] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':');
    if (user !== accountSid || password !== authToken)
      return fail(response, 401, 20003, 'Authenticate');
    const path = url.pathname;
    if (!path.startsWith(`${API}${accountSid}/Calls`))
      return fail(response, 404, 20404, 'The requested resource was not found');
    const form = request.method === 'POST' ? await readForm(request) : new URLSearchParams();
    const single = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(path)?.[1];
    if (path.endsWith('/Calls.json') && request.method === 'POST') {
      const to = form.get('To');
      const from = form.get('From');
      const twiml = form.get('Twiml');
      if (!to || !from) return fail(response, 400, 21201, 'No called number is specified');
      if (!twiml && !form.get('Url'))
        return fail(response, 400, 21205, 'Url parameter is required');
      const call: FakeCall = {
        sid: `CA${randomBytes(16).toString('hex')}`,
        to,
        from,
        status: 'queued',
        ...(form.get('StatusCallback') ? { statusCallback: form.get('StatusCallback')! } : {}),
        statusEvents: form.getAll('StatusCallbackEvent'),
        twiml: twiml ? [twiml] : [],
        played: [],
        callbacks: [],
        startedAt: Date.now(),
      };
      calls.push(call);
      sendJson(response, 201, resource(call));
      void track(progress(call));
      return;
    }
    const call = calls.find((each) => each.sid === single);
    if (!call) return fail(response, 404, 20404, 'The requested resource was not found');
    if (request.method === 'GET') return sendJson(response, 200, resource(call));
    const status = form.get('Status');
    const twiml = form.get('Twiml');
    const over = ['completed', 'canceled', 'busy', 'failed', 'no-answer'].includes(call.status);
    if (over) return fail(response, 400, 21220, 'Call is not in-progress. Cannot redirect.');
    if (status === 'completed' || status === 'canceled') {
      await finish(call, status);
      return sendJson(response, 200, resource(call));
    }
    if (twiml) {
      sendJson(response, 200, resource(call));
      void track(execute(call, twiml));
      return;
    }
    return fail(response, 400, 21218, 'Invalid call state');
  };
  const http = await listenHttpFake(handle, {
    onError: (response, error) => {
      if (!response.headersSent) fail(response, 500, 20500, error.message);
    },
  });

  const find = (sid: string) => {
    const call = calls.find((each) => each.sid === sid);
    if (!call) throw new Error(`no call ${sid}`);
    return call;
  };

  return {
    url: http.url,
    accountSid,
    authToken,
    calls,
    async say(callSid, text) {
      const call = find(callSid);
      if (!call.gatherAction) throw new Error(`call ${callSid} is not listening`);
      const answer = await webhook(call.gatherAction, {
        ...callParams(call),
        SpeechResult: text,
        Confidence: '0.92',
        Language: 'en-US',
      });
      if (answer.status === 200) await track(execute(call, answer.body));
      return answer.status;
    },
    async hangUp(callSid) {
      await finish(find(callSid), 'completed');
    },
    sign: (url, params, token = authToken) => twilioSignature(token, url, params),
    async waitFor(check, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== false && value !== undefined) return value;
        if (Date.now() > until) throw new Error('fake Twilio: condition not met in time');
        await sleep(50);
      }
    },
    async close() {
      await Promise.allSettled([...pending]);
      await http.close();
    },
  };
}
