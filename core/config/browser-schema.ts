import { z } from 'zod';

/** `browser`: the Chromium the browser tool drives (one per host and profile). */
export const browserSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Whether the browser tool may start a browser'),
  executablePath: z
    .string()
    .min(1)
    .default('/usr/bin/chromium')
    .describe(
      "Chromium or Chrome binary (default Debian's /usr/bin/chromium; nothing is downloaded)",
    ),
  defaultProfile: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _')
    .default('default')
    .describe(
      'Profile used when a call names none; its data lives in <stateDir>/browser/<profile>/',
    ),
  headless: z.boolean().default(true).describe('Run without a window (set false on a desktop)'),
  allowHosts: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Host names or IP addresses the browser may reach although they are private, loopback ' +
        'or link-local (e.g. "127.0.0.1", "router.lan"); matched exactly, as tools.web.fetch.allowHosts',
    ),
  evaluateEnabled: z
    .boolean()
    .default(false)
    .describe('Allow act kind "evaluate" (the model runs its own JavaScript in the page)'),
  idleStopMs: z
    .number()
    .int()
    .min(10_000)
    .default(10 * 60_000)
    .describe('Stop a browser no tool call has used for this long'),
});

/** The browser section after defaults. */
export type BrowserConfig = z.output<typeof browserSchema>;
