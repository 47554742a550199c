/**
 * The built-in channels `clawdbot onboard` can set up as the first channel, and the
 * credential fields each needs before it can connect. Kept apart from the command so a
 * new channel is one table row; the values are still checked by the config schema
 * (URL shapes, Matrix user ids) before anything is written.
 */
import { ClawdbotError } from '../core/errors.js';

/** One credential field: its key under `channels.<id>` and the question that asks for it. */
export interface OnboardChannelField {
  key: string;
  prompt: string;
}

/** Required credential fields per channel, in the order onboarding asks for them. */
export const onboardChannels: Readonly<Record<string, readonly OnboardChannelField[]>> = {
  telegram: [{ key: 'botToken', prompt: 'Telegram bot token (from @BotFather)' }],
  discord: [{ key: 'token', prompt: 'Discord bot token' }],
  slack: [
    { key: 'botToken', prompt: 'Slack bot token (xoxb-...)' },
    { key: 'appToken', prompt: 'Slack app-level token for Socket Mode (xapp-...)' },
  ],
  matrix: [
    { key: 'homeserver', prompt: 'Matrix homeserver URL (https://matrix.example.org)' },
    { key: 'userId', prompt: 'Matrix bot user id (@bot:example.org)' },
    { key: 'accessToken', prompt: 'Matrix access token' },
  ],
  mattermost: [
    { key: 'baseUrl', prompt: 'Mattermost server URL (https://chat.example.com)' },
    { key: 'botToken', prompt: 'Mattermost bot access token' },
  ],
  line: [
    { key: 'channelAccessToken', prompt: 'LINE channel access token' },
    { key: 'channelSecret', prompt: 'LINE channel secret' },
  ],
};

/** Channel ids onboarding offers, for prompts, --help and errors. */
export const onboardChannelIds = Object.keys(onboardChannels);

/**
 * Parse repeated `--channel-field key=value` flags for `channel`, with `--channel-token`
 * as shorthand for the channel's first field. Unknown keys are refused here (a typo would
 * otherwise surface only as a schema error about an unrelated key).
 */
export function channelFieldsFromFlags(
  channel: string,
  pairs: readonly string[],
  token: string | undefined,
): Record<string, string> {
  const fields = onboardChannels[channel] ?? [];
  const known = new Set(fields.map((field) => field.key));
  const values: Record<string, string> = {};
  if (token !== undefined && fields[0]) values[fields[0].key] = token;
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0)
      throw new ClawdbotError('INVALID_REQUEST', `--channel-field wants key=value, got "${pair}"`);
    const key = pair.slice(0, equals);
    if (!known.has(key))
      throw new ClawdbotError(
        'INVALID_REQUEST',
        `${channel} has no field ${key}; its fields are ${[...known].join(', ')}`,
      );
    values[key] = pair.slice(equals + 1);
  }
  return values;
}

/** The required fields of `channel` that `values` lacks. */
export function missingChannelFields(channel: string, values: Record<string, string>): string[] {
  return (onboardChannels[channel] ?? [])
    .map((field) => field.key)
    .filter((key) => values[key] === undefined || values[key] === '');
}

/** "telegram: botToken; slack: botToken, appToken; ..." for --help. */
export function onboardChannelHelp(): string {
  return Object.entries(onboardChannels)
    .map(([id, fields]) => `${id}: ${fields.map((field) => field.key).join(', ')}`)
    .join('; ');
}
