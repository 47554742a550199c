/**
 * The routes Twilio calls, at `/plugins/voice-call/...` on the gateway's port (public:
 * `auth: 'webhook'`): call status callbacks, speech results of <Gather>, the listen
 * redirect that keeps the line open, and the rendered audio files <Play> fetches. Every
 * POST must carry a valid `X-Twilio-Signature` (HMAC over the public URL and the form
 * parameters with the account's auth token, checked by twilio.validateRequest); a forged
 * or unsigned request gets 403 and changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import twilio from 'twilio';
import type { Logger } from '../../core/logger.js';
import type { PluginHttpRoute } from '../../core/plugins/types.js';
import type { VoiceCalls } from './calls.js';
import type { VoiceCallSettings } from './config.js';
import { audioDir, audioFileName } from './speech.js';
import { speakTwiml } from './twiml.js';

type RouteRequest = Parameters<PluginHttpRoute['handler']>[0];
type RouteResponse = Awaited<ReturnType<PluginHttpRoute['handler']>>;

const xml = (body: string): RouteResponse => ({
  status: 200,
  body,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
});

/** The routes, given the calls service. */
export function voiceCallRoutes(options: {
  settings: VoiceCallSettings;
  calls: VoiceCalls;
  stateDir: string;
  logger: Logger;
}): PluginHttpRoute[] {
  const { settings, calls, logger } = options;

  /**
   * The form parameters, when the signature is Twilio's. Twilio signs the URL it was
   * given: the configured public URL, this route's path and the query it was called with.
   */
  const verified = (path: string, request: RouteRequest): Record<string, string> | undefined => {
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) return undefined;
    const params = Object.fromEntries(new URLSearchParams(request.rawBody.toString('utf8')));
    const query = new URLSearchParams(request.query).toString();
    const url = `${settings.publicUrl}/plugins/voice-call${path}${query ? `?${query}` : ''}`;
    return twilio.validateRequest(settings.twilio.authToken, signature, url, params)
      ? params
      : undefined;
  };

  const signed = (
    path: string,
    handle: (callId: string, params: Record<string, string>) => Promise<RouteResponse>,
  ): PluginHttpRoute => ({
    method: 'POST',
    path,
    auth: 'webhook',
    async handler(request) {
      const params = verified(path, request);
      if (!params) {
        logger.warn(`voice-call: refused a ${path} request without a valid X-Twilio-Signature`);
        return { status: 403, body: { error: 'invalid X-Twilio-Signature' } };
      }
      const callId = request.query.callId;
      if (!callId) return { status: 400, body: { error: 'callId missing' } };
      if (params.AccountSid !== undefined && params.AccountSid !== settings.twilio.accountSid)
        return { status: 403, body: { error: 'another account' } };
      return handle(callId, params);
    },
  });

  const listening = (callId: string) => xml(speakTwiml(settings, callId, undefined, 'listen'));

  return [
    signed('/status', async (callId, params) => {
      const known = await calls.onStatus(callId, params);
      return known ? { status: 204 } : { status: 404, body: { error: 'unknown call' } };
    }),
    signed('/gather', async (callId, params) => {
      const text = (params.SpeechResult ?? '').trim();
      if (text) await calls.onSpeech(callId, text);
      // Keep listening while the assistant thinks; its answer replaces this TwiML.
      return listening(callId);
    }),
    signed('/listen', (callId) => Promise.resolve(listening(callId))),
    {
      method: 'GET',
      path: '/audio',
      auth: 'webhook',
      // <Play> fetches are not signed: the file names are random and nothing else is served.
      async handler(request) {
        const file = request.query.file ?? '';
        if (!audioFileName.test(file)) return { status: 404, body: { error: 'not found' } };
        const bytes = await readFile(join(audioDir(options.stateDir), file)).catch(() => undefined);
        if (!bytes) return { status: 404, body: { error: 'not found' } };
        return {
          status: 200,
          body: bytes,
          headers: { 'content-type': file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/wav' },
        };
      },
    },
  ];
}
