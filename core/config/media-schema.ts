/**
 * Settings of the media tools: `tts` (text to speech) and the vision model the `image`
 * tool asks (`agent.imageModel`, declared here and placed in the agent section).
 */
import { z } from 'zod';

/** `provider/model` of a vision-capable model, like agent.model. */
export const imageModelSchema = z
  .string()
  .regex(/^(anthropic|openai)\/.+$/, 'a model reference "anthropic/<model>" or "openai/<model>"')
  .optional()
  .describe(
    'Model the image tool asks to look at pictures; default: agent.model when it can see images',
  );

const localTtsSchema = z.strictObject({
  voice: z
    .string()
    .regex(/^[A-Za-z0-9_+-]{1,40}$/, 'an espeak-ng voice name such as "en", "en-us" or "de"')
    .default('en')
    .describe('espeak-ng voice (`espeak-ng --voices` lists them)'),
  rate: z
    .number()
    .int()
    .min(80)
    .max(450)
    .default(175)
    .describe('Speaking rate in words per minute'),
});

const openAiTtsSchema = z.strictObject({
  baseUrl: z
    .url()
    .optional()
    .describe(
      'Server with POST /v1/audio/speech (default https://api.openai.com); an OpenAI-compatible one works',
    ),
  apiKey: z
    .string()
    .min(1)
    .optional()
    .describe('API key; default providers.openai.apiKey (OPENAI_API_KEY)'),
  model: z.string().min(1).default('gpt-4o-mini-tts'),
  voice: z.string().min(1).default('alloy'),
});

const elevenLabsTtsSchema = z.strictObject({
  baseUrl: z.url().default('https://api.elevenlabs.io'),
  apiKey: z.string().min(1).optional().describe('xi-api-key; the ELEVENLABS_API_KEY env overrides'),
  voiceId: z.string().min(1).default('21m00Tcm4TlvDq8ikWAM').describe('Voice id (default Rachel)'),
  modelId: z.string().min(1).default('eleven_multilingual_v2'),
});

/** `tts`: which engine speaks, and each engine's settings. */
export const ttsSchema = z.strictObject({
  provider: z
    .enum(['local', 'openai', 'elevenlabs'])
    .optional()
    .describe(
      'Who renders speech: local (espeak-ng on this host), openai or elevenlabs; default local ' +
        'when espeak-ng is installed, else openai when an OpenAI key is set',
    ),
  maxChars: z
    .number()
    .int()
    .min(1)
    .max(20_000)
    .default(4000)
    .describe('Longest text the tts tool speaks in one call'),
  local: localTtsSchema.default(localTtsSchema.parse({})),
  openai: openAiTtsSchema.default(openAiTtsSchema.parse({})),
  elevenlabs: elevenLabsTtsSchema.default(elevenLabsTtsSchema.parse({})),
});

/** The tts section after defaults. */
export type TtsConfig = z.output<typeof ttsSchema>;
