/**
 * The skills activity: what the host that owns a session's workspace offers the turn
 * (its PATH, its environment, its skill folders). In one process the LLM activity asks
 * the same catalog directly; this activity is for a cluster, where the LLM step may run on
 * another host, and is scheduled on the owning host's task queue like the file tools.
 */
import type { SkillCatalog, SkillsSnapshot } from '../core/skills/catalog.js';

/** Input of `skills.snapshot`: the turn's first message, when it may be a slash command. */
export interface SkillsSnapshotInput {
  command?: string;
}

/** The `skills.*` activities of one host. */
export function createSkillActivities(deps: { skills: SkillCatalog }) {
  return {
    /** The eligible skills for the prompt, and the skill a `/<name>` message invokes. */
    'skills.snapshot'(input: SkillsSnapshotInput): Promise<SkillsSnapshot> {
      return Promise.resolve(deps.skills.snapshot(input.command));
    },
  };
}
