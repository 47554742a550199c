/**
 * The config sections security adds: who the owner is (`security`), the shell sandbox
 * (`sandbox`) and the tool policy fields of `tools`. Kept here so core/config/schema.ts
 * only plugs them in.
 */
import { z } from 'zod';
import { toolPolicyLayerSchema } from './tool-policy.js';

/** `security`: who counts as the owner on messaging channels. */
export const securitySchema = z.strictObject({
  owners: z
    .array(z.string().regex(/^[^:\s]+:.+$/, '"<channel>:<sender id>", e.g. "telegram:123456"'))
    .default([])
    .describe(
      'Sender ids (as "<channel>:<id>") whose direct messages are the owner’s. Everyone else ' +
        '— and every group or channel — gets the messaging tool profile unless config says otherwise',
    ),
});

const limitsSchema = z.strictObject({
  cpuSeconds: z.number().int().min(1).max(86_400).default(300).describe('CPU time per command'),
  memoryMb: z
    .number()
    .int()
    .min(16)
    .max(1_048_576)
    .default(4096)
    .describe('Address space per process, in MB'),
  processes: z
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(256)
    .describe('Processes of the sandbox user (not enforced by Linux for root)'),
  fileSizeMb: z.number().int().min(1).max(1_048_576).default(1024).describe('Largest file written'),
  outputKb: z.number().int().min(1).max(16_384).default(64).describe('Command output kept'),
});

/** `sandbox`: where sandboxed sessions run bash and process. */
export const sandboxSchema = z.strictObject({
  mode: z
    .enum(['off', 'non-main', 'all'])
    .default('non-main')
    .describe(
      'Which sessions run shell tools in the sandbox: none, every session that is not the ' +
        'owner’s (groups, channels, others’ direct messages), or all',
    ),
  backend: z
    .enum(['bubblewrap'])
    .default('bubblewrap')
    .describe('Sandbox backend (bubblewrap; Docker may come later)'),
  bubblewrapPath: z
    .string()
    .min(1)
    .default('bwrap')
    .describe('The bwrap binary: a path, or a name looked up on PATH'),
  network: z.boolean().default(false).describe('Let sandboxed commands reach the network'),
  limits: limitsSchema.default(limitsSchema.parse({})),
});

/** Tool policy fields of `tools` (besides tools.web). */
export const toolsPolicyShape = {
  ...toolPolicyLayerSchema.shape,
  sessions: z
    .strictObject({
      visibility: z
        .enum(['own', 'agent', 'all'])
        .optional()
        .describe(
          'Sessions the sessions_* tools reach from the owner’s sessions: the calling one, ' +
            'those of its agent, or all (default all; others’ sessions always get own)',
        ),
    })
    .default({}),
};

/** `sandbox` after defaults. */
export type SandboxConfig = z.output<typeof sandboxSchema>;
