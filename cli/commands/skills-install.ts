/**
 * `clawdbot skills install <name> [--yes]`: run the skill's install spec that fits this
 * machine, after asking (it installs software system-wide), or say what to install by hand.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ClawdbotError } from '../../core/errors.js';
import { hostSkillCatalog } from '../../core/skills/host-catalog.js';
import { skillStatusReport } from '../../gateway/methods/skills-protocol.js';
import { commandContext, type RuntimeFlags } from '../context.js';

type Write = (text: string) => void;

/** One line from stdin (empty at end of input). */
function ask(question: string, write: Write): Promise<string> {
  write(question);
  const reader = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    let answered = false;
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line.trim());
    });
    reader.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

function run(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Install what a skill needs; 0 when done (or nothing to do), 1 when declined or failed. */
export async function runSkillsInstall(
  name: string,
  flags: Pick<RuntimeFlags, 'stateDir'> & { yes?: boolean },
  write: Write = (text) => process.stdout.write(text),
): Promise<number> {
  const { config, paths } = commandContext(flags);
  const catalog = hostSkillCatalog(config, paths);
  const row = skillStatusReport(catalog).skills.find((skill) => skill.name === name);
  if (!row)
    throw new ClawdbotError('NOT_FOUND', `No skill named ${name} (see clawdbot skills list)`);
  if (row.eligibility.eligible) {
    write(`${name} is already eligible on this machine; nothing to install.\n`);
    return 0;
  }
  const plan = row.install.find((candidate) => candidate.command !== undefined);
  if (!plan?.command) {
    write(`${name} is not eligible: ${row.eligibility.reason}\n`);
    if (row.install.length === 0) {
      write('The skill has no install instructions; see its SKILL.md: ' + `${row.file}\n`);
    } else {
      write('No installer for it runs on this machine. By hand:\n');
      for (const option of row.install) write(`  ${option.label}: ${option.note ?? ''}\n`);
    }
    return 1;
  }
  const shown = plan.command.join(' ');
  if (!flags.yes) {
    const answer = await ask(`${plan.label}: run \`${shown}\`? [y/N] `, write);
    if (!/^y(es)?$/i.test(answer)) {
      write('Not installed.\n');
      return 1;
    }
  } else {
    write(`${plan.label}: running \`${shown}\`\n`);
  }
  const code = await run(plan.command);
  if (code !== 0) {
    write(`\`${shown}\` failed (exit code ${code}).\n`);
    return 1;
  }
  const after = skillStatusReport(catalog).skills.find((skill) => skill.name === name);
  write(
    after?.eligibility.eligible
      ? `${name} is now eligible.\n`
      : `Installed, but ${name} is still not eligible: ${after?.eligibility.eligible === false ? after.eligibility.reason : 'unknown'}\n`,
  );
  return 0;
}
