/** The voice-call plugin's config (`plugins.entries.voice-call.config`), with defaults. */

/** As validated against the manifest's configSchema. */
export interface VoiceCallPluginConfig {
  provider?: 'twilio';
  fromNumber: string;
  toNumber?: string;
  allowTo?: string[];
  publicUrl: string;
  twilio: { accountSid: string; authToken: string; apiBaseUrl?: string };
  speech?: 'tts' | 'say';
  sayVoice?: string;
  language?: string;
  replyTimeoutSec?: number;
  maxDurationSec?: number;
}

/** The config with every default filled in. */
export interface VoiceCallSettings {
  fromNumber: string;
  toNumber?: string;
  allowTo: string[];
  /** Without a trailing slash. */
  publicUrl: string;
  twilio: { accountSid: string; authToken: string; apiBaseUrl?: string };
  speech: 'tts' | 'say';
  sayVoice: string;
  language: string;
  replyTimeoutMs: number;
  maxDurationSec: number;
}

/** Fill in the defaults the manifest documents. */
export function voiceCallSettings(config: VoiceCallPluginConfig): VoiceCallSettings {
  return {
    fromNumber: config.fromNumber,
    ...(config.toNumber !== undefined ? { toNumber: config.toNumber } : {}),
    allowTo: config.allowTo ?? [],
    publicUrl: config.publicUrl.replace(/\/+$/, ''),
    twilio: config.twilio,
    speech: config.speech ?? 'tts',
    sayVoice: config.sayVoice ?? 'Polly.Joanna',
    language: config.language ?? 'en-US',
    replyTimeoutMs: (config.replyTimeoutSec ?? 60) * 1000,
    maxDurationSec: config.maxDurationSec ?? 1800,
  };
}

/** Whether the assistant may call `number`: listed in allowTo, or the configured toNumber. */
export function mayCall(settings: VoiceCallSettings, number: string): boolean {
  return settings.allowTo.includes(number) || settings.toNumber === number;
}
