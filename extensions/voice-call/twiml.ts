/**
 * The TwiML this plugin hands Twilio: say something (a played file, or <Say>), then either
 * listen (<Gather input="speech">, whose result comes back to the gather route) or hang up.
 * A Gather that hears nothing falls through to a <Redirect> back to the listen route, so
 * the line stays open until someone hangs up.
 */
import twilio from 'twilio';
import type { VoiceCallSettings } from './config.js';

/** What to say: a file Twilio fetches, or text Twilio speaks itself. */
export type Speech = { kind: 'play'; url: string } | { kind: 'say'; text: string };

/** The plugin's public route URLs for one call. */
export function callUrls(settings: VoiceCallSettings, callId: string) {
  const base = `${settings.publicUrl}/plugins/voice-call`;
  const query = `?callId=${encodeURIComponent(callId)}`;
  return {
    status: `${base}/status${query}`,
    gather: `${base}/gather${query}`,
    listen: `${base}/listen${query}`,
  };
}

/** Say `speech` (if any), then listen for the person or hang up. */
export function speakTwiml(
  settings: VoiceCallSettings,
  callId: string,
  speech: Speech | undefined,
  then: 'listen' | 'hangup',
): string {
  const response = new twilio.twiml.VoiceResponse();
  const urls = callUrls(settings, callId);
  const say = (target: Pick<twilio.twiml.VoiceResponse, 'say' | 'play'>) => {
    if (speech?.kind === 'play') target.play(speech.url);
    else if (speech?.kind === 'say')
      // Twilio's types list every voice and language it knows; the config holds a string.
      target.say(
        { voice: settings.sayVoice as never, language: settings.language as never },
        speech.text,
      );
  };
  if (then === 'hangup') {
    say(response);
    response.hangup();
    return response.toString();
  }
  // Speaking inside the Gather lets the person interrupt (barge in), as on any phone menu.
  const gather = response.gather({
    input: ['speech'],
    action: urls.gather,
    method: 'POST',
    speechTimeout: 'auto',
    language: settings.language as never,
  });
  say(gather);
  response.redirect({ method: 'POST' }, urls.listen);
  return response.toString();
}
