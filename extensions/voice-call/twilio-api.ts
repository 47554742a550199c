/**
 * Twilio's REST API through the official `twilio` package. The package always builds
 * https://api.twilio.com URLs; its documented extension point is a custom HTTP client
 * (`httpClient` option), so a RequestClient that rewrites the origin points it at a proxy,
 * or at a fake on 127.0.0.1 in tests. Everything else (auth, form encoding, errors) is the
 * package's own.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { VoiceCallSettings } from './config.js';

/** Sends the package's requests to `baseUrl` instead of https://*.twilio.com. */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: URL) {
    super();
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>) {
    const uri = new URL(options.uri);
    uri.protocol = this.baseUrl.protocol;
    uri.host = this.baseUrl.host;
    return super.request<TData>({ ...options, uri: uri.href });
  }
}

/** A Twilio client for the configured account (and base URL, when one is set). */
export function createTwilioClient(settings: VoiceCallSettings): twilio.Twilio {
  const { accountSid, authToken, apiBaseUrl } = settings.twilio;
  return twilio(accountSid, authToken, {
    ...(apiBaseUrl !== undefined
      ? { httpClient: new RebasedRequestClient(new URL(apiBaseUrl)) }
      : {}),
  });
}

/** Place a call that starts with `twiml`; status callbacks go to `statusCallback`. */
export async function placeCall(
  client: twilio.Twilio,
  settings: VoiceCallSettings,
  call: { to: string; twiml: string; statusCallback: string },
): Promise<{ sid: string; status: string }> {
  const created = await client.calls.create({
    to: call.to,
    from: settings.fromNumber,
    twiml: call.twiml,
    statusCallback: call.statusCallback,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    timeLimit: settings.maxDurationSec,
  });
  return { sid: created.sid, status: created.status };
}

/** Replace what the live call is doing with `twiml` (speak now, then listen). */
export async function redirectCall(client: twilio.Twilio, sid: string, twiml: string) {
  await client.calls(sid).update({ twiml });
}

/** Hang up: `completed` ends an answered call, `canceled` one still ringing. */
export async function hangUp(
  client: twilio.Twilio,
  sid: string,
  ringing: boolean,
): Promise<string> {
  const call = await client.calls(sid).update({ status: ringing ? 'canceled' : 'completed' });
  return call.status;
}

/** The call resource as Twilio has it now. */
export async function fetchCall(client: twilio.Twilio, sid: string) {
  const call = await client.calls(sid).fetch();
  return { sid: call.sid, status: call.status, duration: call.duration };
}
