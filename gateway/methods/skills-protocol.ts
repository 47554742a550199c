/**
 * Params and results of the skills.* methods. A skill's status carries the exact reason it
 * is not eligible (the check that failed and what is missing) and how to install what it
 * needs; they live beside the methods until core/protocol takes them in.
 */
import { z } from 'zod';
import type { SkillCatalog } from '../../core/skills/catalog.js';
import { installPlans } from '../../core/skills/install.js';
import { skillSources } from '../../core/skills/loader.js';

const eligibilitySchema = z.union([
  z.object({ eligible: z.literal(true), always: z.boolean() }),
  z.object({
    eligible: z.literal(false),
    code: z.enum([
      'disabled',
      'not-allowed',
      'os',
      'missing-bins',
      'missing-any-bin',
      'missing-env',
      'missing-config',
    ]),
    reason: z.string(),
    missing: z.array(z.string()),
  }),
]);

const installPlanSchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  command: z.array(z.string()).optional(),
  note: z.string().optional(),
  bins: z.array(z.string()),
});

/** One skill as skills.status reports it. */
export const skillStatusSchema = z.object({
  name: z.string(),
  key: z.string(),
  description: z.string(),
  source: z.enum(skillSources),
  file: z.string(),
  emoji: z.string().optional(),
  homepage: z.string().optional(),
  userInvocable: z.boolean(),
  modelInvocable: z.boolean(),
  shadows: z.array(z.enum(skillSources)),
  eligibility: eligibilitySchema,
  install: z.array(installPlanSchema),
});

/** `skills.status`: every skill (or one, by name) and the SKILL.md files that did not load. */
export const skillsStatusParams = z.object({ name: z.string().min(1).optional() });
export const skillsStatusResult = z.object({
  skills: z.array(skillStatusSchema),
  problems: z.array(
    z.object({ source: z.enum(skillSources), file: z.string(), message: z.string() }),
  ),
});

/**
 * `skills.update`: change one skill's entry in clawdbot.json. `env` values of null remove
 * a variable; `apiKey: null` removes the key.
 */
export const skillsUpdateParams = z.object({
  skillKey: z.string().min(1),
  enabled: z.boolean().optional(),
  apiKey: z.string().min(1).nullable().optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().nullable()).optional(),
});
export const skillsUpdateResult = z.object({
  ok: z.literal(true),
  skillKey: z.string(),
  /** The entry as written, secrets redacted. */
  entry: z.record(z.string(), z.unknown()),
});

/** The status of every skill of a catalog, with install plans for this machine. */
export function skillStatusReport(catalog: SkillCatalog): z.input<typeof skillsStatusResult> {
  const { skills, problems } = catalog.status();
  const host = {
    platform: process.platform,
    hasBin: (name: string) => catalog.hasBin(name),
    isRoot: process.getuid?.() === 0,
  };
  return {
    problems,
    skills: skills.map(({ dir: _dir, install, ...skill }) => ({
      ...skill,
      install: installPlans(install, host),
    })),
  };
}
