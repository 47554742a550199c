/**
 * `clawdbot skills list|info|check`: the skills of this machine, read from its folders
 * and config (no gateway needed), with the exact reason a skill is not used.
 */
import { ClawdbotError } from '../../core/errors.js';
import { hostSkillCatalog } from '../../core/skills/host-catalog.js';
import { skillStatusReport } from '../../gateway/methods/skills-protocol.js';
import { commandContext, type RuntimeFlags } from '../context.js';

type Flags = Pick<RuntimeFlags, 'stateDir'> & { json?: boolean };
type Write = (text: string) => void;
type Report = ReturnType<typeof skillStatusReport>;
type Row = Report['skills'][number];

const stdout: Write = (text) => process.stdout.write(text);

function report(flags: Flags): Report {
  const { config, paths } = commandContext(flags);
  return skillStatusReport(hostSkillCatalog(config, paths));
}

function verdict(row: Row): string {
  return row.eligibility.eligible ? 'eligible' : `not eligible: ${row.eligibility.reason}`;
}

/** `skills list`: one line per skill. */
export function runSkillsList(
  flags: Flags & { eligible?: boolean },
  write: Write = stdout,
): number {
  const { skills, problems } = report(flags);
  const rows = flags.eligible ? skills.filter((row) => row.eligibility.eligible) : skills;
  if (flags.json) {
    write(`${JSON.stringify({ skills: rows, problems }, null, 2)}\n`);
    return 0;
  }
  for (const row of rows) {
    write(`${row.emoji ?? '-'} ${row.name} (${row.source}): ${verdict(row)}\n`);
  }
  for (const problem of problems) write(`! ${problem.file}: ${problem.message}\n`);
  return 0;
}

/** `skills info <name>`: everything about one skill. */
export function runSkillsInfo(name: string, flags: Flags, write: Write = stdout): number {
  const row = report(flags).skills.find((skill) => skill.name === name);
  if (!row)
    throw new ClawdbotError('NOT_FOUND', `No skill named ${name} (see clawdbot skills list)`);
  if (flags.json) {
    write(`${JSON.stringify(row, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${row.emoji ?? ''} ${row.name}`.trim(),
    row.description,
    '',
    `source:    ${row.source}${row.shadows.length > 0 ? ` (overrides ${row.shadows.join(', ')})` : ''}`,
    `file:      ${row.file}`,
    `config:    skills.entries.${row.key}`,
    `status:    ${verdict(row)}`,
    `invoke:    ${row.userInvocable ? `/${row.name} <args>` : 'not as a slash command'}; ${row.modelInvocable ? 'listed to the model' : 'not listed to the model'}`,
  ];
  if (row.homepage !== undefined) lines.push(`homepage:  ${row.homepage}`);
  if (row.install.length > 0) {
    lines.push('install:');
    for (const plan of row.install) {
      lines.push(
        `  ${plan.id} (${plan.label}): ${plan.command ? plan.command.join(' ') : (plan.note ?? '')}`,
      );
    }
  }
  write(`${lines.join('\n')}\n`);
  return 0;
}

/** `skills check`: how many skills are usable, why the others are not; 1 if a SKILL.md is broken. */
export function runSkillsCheck(flags: Flags, write: Write = stdout): number {
  const { skills, problems } = report(flags);
  const eligible = skills.filter((row) => row.eligibility.eligible);
  const out = skills.filter((row) => !row.eligibility.eligible);
  if (flags.json) {
    write(
      `${JSON.stringify(
        {
          total: skills.length,
          eligible: eligible.map((row) => row.name),
          ineligible: out.map((row) => ({ name: row.name, eligibility: row.eligibility })),
          problems,
        },
        null,
        2,
      )}\n`,
    );
    return problems.length > 0 ? 1 : 0;
  }
  write(`${skills.length} skills: ${eligible.length} eligible, ${out.length} not eligible\n`);
  for (const row of out) write(`  ${row.name}: ${verdict(row).replace('not eligible: ', '')}\n`);
  if (problems.length > 0) {
    write(`${problems.length} SKILL.md files did not load:\n`);
    for (const problem of problems) write(`  ${problem.message}\n`);
  }
  return problems.length > 0 ? 1 : 0;
}
