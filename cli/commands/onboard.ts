/**
 * `clawdbot onboard`: the first run. Asks for the model provider and its key (and checks
 * the key with a real call to the provider's model list), makes a gateway token, and sets
 * up a first channel; then writes clawdbot.json, keeping whatever the file already had
 * (comments too: the same text edits as `config set`). `--non-interactive` takes all of
 * it from flags, for scripts. Questions are read one line at a time from stdin, so a
 * script can answer them through a pipe.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import JSON5 from 'json5';
import { parseConfig } from '../../core/config/load.js';
import { ClawdbotError } from '../../core/errors.js';
import { resolveStateDir, statePaths } from '../../core/paths.js';
import { setInText } from '../config-text-edit.js';
import { processOutput, type Output } from '../gateway-command.js';
import {
  channelFieldsFromFlags,
  missingChannelFields,
  onboardChannelIds,
  onboardChannels,
} from '../onboard-channels.js';

/** Flags of `clawdbot onboard`. */
export interface OnboardFlags {
  stateDir?: string;
  nonInteractive?: boolean;
  provider?: string;
  apiKey?: string;
  baseUrl?: string;
  model?: string;
  gatewayToken?: string;
  channel?: string;
  channelToken?: string;
  /** Repeated `--channel-field key=value`: the channel's credential fields. */
  channelField?: string[];
  skipCheck?: boolean;
  json?: boolean;
}

const providers = ['anthropic', 'openai'] as const;
type Provider = (typeof providers)[number];
const defaultModels: Record<Provider, string> = {
  anthropic: 'claude-sonnet-4-5',
  openai: 'gpt-4.1',
};

/** Ask a question, get the next line of stdin (undefined at its end). */
type Ask = (question: string) => Promise<string | undefined>;

function lineReader(input: NodeJS.ReadableStream, output: Output): { ask: Ask; close(): void } {
  const lines = createInterface({ input, terminal: false });
  const queue: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  lines.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  return {
    ask(question) {
      output.out(question);
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => lines.close(),
  };
}

/** Check a key with the provider's model list; returns the problem, or undefined when it works. */
export async function checkProviderKey(
  provider: Provider,
  apiKey: string,
  baseUrl: string | undefined,
): Promise<string | undefined> {
  const url =
    provider === 'anthropic'
      ? `${(baseUrl ?? 'https://api.anthropic.com').replace(/\/$/, '')}/v1/models`
      : `${(baseUrl ?? 'https://api.openai.com/v1').replace(/\/$/, '')}/models`;
  const headers: Record<string, string> =
    provider === 'anthropic'
      ? { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }
      : { authorization: `Bearer ${apiKey}` };
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
    if (response.ok) return undefined;
    if (response.status === 401 || response.status === 403)
      return `${provider} refused the key (HTTP ${response.status})`;
    return `${url} answered HTTP ${response.status}`;
  } catch (error) {
    return `cannot reach ${url}: ${(error as Error).message}`;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** What onboarding decided, before it is written. */
interface Answers {
  provider: Provider;
  apiKey: string;
  baseUrl?: string;
  model: string;
  gatewayToken: string;
  channel?: string;
  /** The channel's credential fields, by their key under `channels.<channel>`. */
  channelFields?: Record<string, string>;
}

async function askAnswers(flags: OnboardFlags, ask: Ask, output: Output): Promise<Answers> {
  const required = async (question: string, fallback?: string): Promise<string> => {
    for (;;) {
      const answer = (await ask(question))?.trim();
      if (answer === undefined) {
        if (fallback !== undefined) return fallback;
        throw new ClawdbotError('INVALID_REQUEST', 'input ended before onboarding was complete');
      }
      if (answer !== '') return answer;
      if (fallback !== undefined) return fallback;
    }
  };
  let provider = flags.provider as Provider | undefined;
  while (provider === undefined || !providers.includes(provider)) {
    provider = (await required(
      'Model provider (anthropic/openai) [anthropic]: ',
      'anthropic',
    )) as Provider;
    if (!providers.includes(provider)) output.err('Choose anthropic or openai.\n');
  }
  const baseUrl = flags.baseUrl;
  let apiKey = flags.apiKey;
  for (;;) {
    apiKey ??= await required(`${provider} API key: `);
    if (flags.skipCheck) break;
    output.out(`Checking the key with ${provider}...\n`);
    const problem = await checkProviderKey(provider, apiKey, baseUrl);
    if (problem === undefined) {
      output.out('The key works.\n');
      break;
    }
    output.err(`${problem}. Try another key.\n`);
    apiKey = undefined;
  }
  const model =
    flags.model ??
    (await required(`Model [${defaultModels[provider]}]: `, defaultModels[provider]));
  const generated = randomBytes(24).toString('base64url');
  const gatewayToken =
    flags.gatewayToken ?? (await required('Gateway token [a new random one]: ', generated));
  const choices = [...onboardChannelIds, 'none'].join('/');
  let channel = flags.channel;
  while (channel === undefined || (channel !== 'none' && !(channel in onboardChannels))) {
    channel = await required(`First channel (${choices}) [none]: `, 'none');
    if (channel !== 'none' && !(channel in onboardChannels))
      output.err(`Choose one of ${choices}.\n`);
  }
  let channelFields: Record<string, string> | undefined;
  if (channel !== 'none') {
    // Fields given as flags are not asked again.
    channelFields = channelFieldsFromFlags(channel, flags.channelField ?? [], flags.channelToken);
    for (const field of onboardChannels[channel]!) {
      if (channelFields[field.key] === undefined)
        channelFields[field.key] = await required(`${field.prompt}: `);
    }
  }
  return {
    provider,
    apiKey,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    model: model.includes('/') ? model : `${provider}/${model}`,
    gatewayToken,
    ...(channel === 'none' ? {} : { channel }),
    ...(channelFields === undefined ? {} : { channelFields }),
  };
}

function flagAnswers(flags: OnboardFlags): Answers {
  const provider = flags.provider ?? 'anthropic';
  if (!providers.includes(provider as Provider))
    throw new ClawdbotError('INVALID_REQUEST', '--provider must be anthropic or openai');
  if (flags.apiKey === undefined)
    throw new ClawdbotError('INVALID_REQUEST', '--non-interactive needs --api-key');
  const channel = flags.channel ?? 'none';
  if (channel !== 'none' && !(channel in onboardChannels))
    throw new ClawdbotError(
      'INVALID_REQUEST',
      `--channel must be one of ${[...onboardChannelIds, 'none'].join(', ')}`,
    );
  const channelFields =
    channel === 'none'
      ? undefined
      : channelFieldsFromFlags(channel, flags.channelField ?? [], flags.channelToken);
  const missing = channel === 'none' ? [] : missingChannelFields(channel, channelFields!);
  if (missing.length > 0)
    throw new ClawdbotError(
      'INVALID_REQUEST',
      `--channel ${channel} needs ${missing.map((key) => `--channel-field ${key}=...`).join(' ')}`,
    );
  const model = flags.model ?? defaultModels[provider as Provider];
  return {
    provider: provider as Provider,
    apiKey: flags.apiKey,
    ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
    model: model.includes('/') ? model : `${provider}/${model}`,
    gatewayToken: flags.gatewayToken ?? randomBytes(24).toString('base64url'),
    ...(channel === 'none' ? {} : { channel }),
    ...(channelFields === undefined ? {} : { channelFields }),
  };
}

/**
 * Check the channel's fields with the channel's own schema (core's config schema does not
 * know the channels). Imported only when a channel was chosen: it loads every platform SDK.
 */
async function channelFieldsProblem(
  channel: string,
  fields: Record<string, string>,
): Promise<string | undefined> {
  const { builtInChannels } = await import('../../channels/index.js');
  const plugin = builtInChannels.find((candidate) => candidate.id === channel);
  const result = plugin?.configSchema.safeParse(fields);
  if (!result || result.success) return undefined;
  return result.error.issues
    .map((issue) => `${issue.path.join('.') || '(section)'}: ${issue.message}`)
    .join('; ');
}

/** Run onboarding; exit code 0 when clawdbot.json was written, 1 when not, 2 for bad flags. */
export async function runOnboard(
  flags: OnboardFlags,
  output: Output = processOutput,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const file = statePaths(resolveStateDir(flags.stateDir)).configFile;
  let answers: Answers;
  try {
    if (flags.nonInteractive) {
      answers = flagAnswers(flags);
      if (!flags.skipCheck) {
        const problem = await checkProviderKey(answers.provider, answers.apiKey, answers.baseUrl);
        if (problem !== undefined) {
          output.err(`clawdbot: ${problem}; nothing written (--skip-check writes anyway)\n`);
          return 1;
        }
      }
    } else {
      output.out(`Setting up ClawdBot in ${dirname(file)}\n`);
      const reader = lineReader(input, output);
      try {
        answers = await askAnswers(flags, reader.ask, output);
      } finally {
        reader.close();
      }
    }
  } catch (error) {
    if (!(error instanceof ClawdbotError)) throw error;
    output.err(`clawdbot: ${error.message}\n`);
    return flags.nonInteractive ? 2 : 1;
  }

  let text = readText(file);
  const set = (path: string[], value: unknown) => (text = setInText(text, path, value));
  set(['agent', 'model'], answers.model);
  set(['providers', answers.provider, 'apiKey'], answers.apiKey);
  if (answers.baseUrl !== undefined)
    set(['providers', answers.provider, 'baseUrl'], answers.baseUrl);
  set(['gateway', 'auth', 'token'], answers.gatewayToken);
  if (answers.channel !== undefined) {
    for (const [key, value] of Object.entries(answers.channelFields ?? {}))
      set(['channels', answers.channel, key], value);
  }
  try {
    parseConfig(JSON5.parse(text), file);
  } catch (error) {
    output.err(`clawdbot: ${(error as Error).message}; nothing written\n`);
    return 1;
  }
  if (answers.channel !== undefined) {
    const problem = await channelFieldsProblem(answers.channel, answers.channelFields ?? {});
    if (problem !== undefined) {
      output.err(`clawdbot: channels.${answers.channel}: ${problem}; nothing written\n`);
      return 1;
    }
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
  if (flags.json) {
    output.out(
      `${JSON.stringify({ path: file, model: answers.model, channel: answers.channel ?? null, gatewayToken: answers.gatewayToken }, null, 2)}\n`,
    );
  } else {
    output.out(
      [
        `Wrote ${file}.`,
        `Gateway token: ${answers.gatewayToken} (clients and the CLI use it; it is in the file)`,
        'Next: `clawdbot gateway` to start, then `clawdbot agent --message "hello"`.',
      ].join('\n') + '\n',
    );
  }
  return 0;
}
