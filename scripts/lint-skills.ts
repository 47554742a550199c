// `npm run lint:skills [dir]`: lint bundled skills (or another skills folder); exit 1 on defects.
import { resolve } from 'node:path';
import { lintSkillsDir } from '../core/skills/lint.js';

const root = resolve(process.argv[2] ?? 'skills');
const issues = lintSkillsDir(root);
for (const issue of issues) console.error(`${issue.skill}: ${issue.rule}: ${issue.message}`);
console.log(
  issues.length === 0 ? `skills: ${root} is clean` : `skills: ${issues.length} defect(s)`,
);
process.exitCode = issues.length === 0 ? 0 : 1;
