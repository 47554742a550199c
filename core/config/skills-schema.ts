/**
 * `skills` in clawdbot.json: the same keys as OpenClaw's (`entries`, `allowBundled`,
 * `load.extraDirs`), so a user's existing skill settings carry over unchanged.
 */
import { z } from 'zod';

/** Settings of one skill, under its key (the skill's name, or its metadata `skillKey`). */
export const skillEntrySchema = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe(
      'false leaves the skill out; true does not make a skill eligible whose requirements are missing',
    ),
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
      z.string(),
    )
    .optional()
    .describe("Environment variables the skill's commands get (bash and process of a turn)"),
  apiKey: z
    .string()
    .min(1)
    .optional()
    .describe("Value of the skill's primaryEnv variable (e.g. GEMINI_API_KEY)"),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Free-form settings a skill documents for itself'),
});

export const skillsConfigSchema = z.strictObject({
  entries: z.record(z.string(), skillEntrySchema).default({}),
  allowBundled: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'When set, only these bundled skills may be used (managed and workspace skills are not limited)',
    ),
  load: z
    .strictObject({
      extraDirs: z
        .array(z.string().min(1))
        .default([])
        .describe('More folders of skills, below the bundled ones in precedence'),
    })
    .default({ extraDirs: [] }),
});

/** One skill's settings. */
export type SkillEntryConfig = z.output<typeof skillEntrySchema>;
/** The `skills` section after defaults. */
export type SkillsConfig = z.output<typeof skillsConfigSchema>;
