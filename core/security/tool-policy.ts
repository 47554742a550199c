/**
 * Which tools a turn may use: a profile, then allow and deny lists layered agent →
 * channel → group → sender. Pure functions over config values; the turn's decision is
 * made once in an activity and recorded in its history (see turn-access.ts).
 */
import { z } from 'zod';
import { profilePatterns, toolGroups, toolProfiles, type ToolProfile } from './tool-groups.js';

const patternSchema = z
  .string()
  .min(1)
  .describe('A tool name, a "*" wildcard pattern ("sessions_*"), or a group ("group:fs")');

/** One layer of tool policy (tools, agent.tools, channels.<id>.tools, a group's or sender's tools). */
export const toolPolicyLayerSchema = z.strictObject({
  profile: z
    .enum(toolProfiles)
    .optional()
    .describe('Base set of tools: minimal, coding, messaging or full'),
  allow: z.array(patternSchema).optional().describe('Tools added to the profile'),
  deny: z.array(patternSchema).optional().describe('Tools removed; deny wins over allow'),
});

/** A parsed tool policy layer. */
export type ToolPolicyLayer = z.output<typeof toolPolicyLayerSchema>;

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Expand `group:<name>` patterns (wildcards allowed in the group name) into tool patterns. */
export function expandPatterns(patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.startsWith('group:')) return [pattern];
    const groupName = patternRegExp(pattern.slice('group:'.length));
    return Object.entries(toolGroups)
      .filter(([name]) => groupName.test(name))
      .flatMap(([, members]) => members);
  });
}

/** Whether tool `name` matches any of `patterns` (groups expanded). */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return expandPatterns(patterns).some((pattern) => patternRegExp(pattern).test(name));
}

/** What the layered policy resolved to. */
export interface ResolvedToolPolicy {
  profile: ToolProfile;
  allowed: string[];
  /** Tools of the registry the policy leaves out. */
  denied: string[];
}

/**
 * The allowed tools among `toolNames`: the base profile (the most specific layer that names
 * one, else `fallbackProfile`), plus every layer's allow, minus every layer's deny.
 */
export function resolveToolPolicy(
  toolNames: readonly string[],
  layers: readonly (ToolPolicyLayer | undefined)[],
  fallbackProfile: ToolProfile,
): ResolvedToolPolicy {
  const present = layers.filter((layer): layer is ToolPolicyLayer => layer !== undefined);
  const profile =
    [...present].reverse().find((layer) => layer.profile !== undefined)?.profile ?? fallbackProfile;
  const allow = [...profilePatterns[profile], ...present.flatMap((layer) => layer.allow ?? [])];
  const deny = present.flatMap((layer) => layer.deny ?? []);
  const allowed: string[] = [];
  const denied: string[] = [];
  for (const name of toolNames) {
    if (matchesAny(name, allow) && !matchesAny(name, deny)) allowed.push(name);
    else denied.push(name);
  }
  return { profile, allowed, denied };
}
