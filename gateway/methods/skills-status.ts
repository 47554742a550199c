import { ClawdbotError } from '../../core/errors.js';
import { hostSkillCatalog } from '../../core/skills/host-catalog.js';
import { skillStatusReport, skillsStatusParams, skillsStatusResult } from './skills-protocol.js';
import { defineMethod } from './types.js';

/**
 * `skills.status`: each skill's source, whether it is eligible on this host or the exact
 * requirement it misses, and how to install what it needs.
 */
export const skillsStatusMethod = defineMethod({
  method: 'skills.status',
  params: skillsStatusParams,
  result: skillsStatusResult,
  handler(params, context) {
    const paths = context.gateway.deps.paths;
    if (paths === undefined) {
      throw new ClawdbotError('UNAVAILABLE', 'This gateway has no state dir to read skills from');
    }
    const report = skillStatusReport(hostSkillCatalog(context.gateway.config(), paths));
    if (params.name === undefined) return report;
    const skills = report.skills.filter((skill) => skill.name === params.name);
    if (skills.length === 0) throw new ClawdbotError('NOT_FOUND', `No skill named ${params.name}`);
    return { ...report, skills };
  },
});
