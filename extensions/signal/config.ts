/**
 * `channels.signal` (and each `channels.signal.accounts.<id>`): the common account options
 * plus the signal-cli daemon's address, the bot's own number and, optionally, how to start
 * the daemon. `signalOptionsSchema` alone is what the manifest declares (the loader adds
 * the common keys), so a test keeps the two equal.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

const optionsShape = {
  account: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe("The bot's Signal number in E.164 form (+15551234567), as registered in signal-cli"),
  httpUrl: z
    .string()
    .url()
    .default('http://127.0.0.1:8080')
    .describe('Base URL of the signal-cli daemon started with --http'),
  autoStart: z
    .boolean()
    .default(false)
    .describe('Spawn `signal-cli -a <account> daemon --http <host:port>` when the account starts'),
  cliPath: z
    .string()
    .min(1)
    .default('signal-cli')
    .describe('The signal-cli executable (autoStart)'),
  startupTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('How long a spawned daemon may take to answer /api/v1/check'),
};

/** Signal's own options (the manifest's channel schema). */
export const signalOptionsSchema = z.strictObject(optionsShape);

/** One Signal account's options, as validated. */
export const signalAccountSchema = channelAccountSchema(optionsShape);

/** A validated Signal account. */
export type SignalAccount = z.infer<typeof signalAccountSchema>;
