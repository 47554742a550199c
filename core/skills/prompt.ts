/**
 * The skills part of the system prompt: a compact list the model chooses from by
 * description, and the rule to read the chosen SKILL.md before acting. Only the list is
 * in every prompt; a skill's instructions cost tokens only in the turns that use it.
 */

/** What the prompt says about one skill. */
export interface SkillPromptEntry {
  name: string;
  description: string;
  /** Absolute path of its SKILL.md (read_file may read it). */
  location: string;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The `## Skills` section, or '' when no skill is eligible. */
export function formatSkillsPrompt(skills: readonly SkillPromptEntry[]): string {
  if (skills.length === 0) return '';
  return [
    '## Skills',
    'Skills are instructions for specific jobs (a command-line tool, an API). Scan the descriptions below.',
    'If exactly one skill applies to the task, first read its SKILL.md with read_file (use the absolute location given), then follow it; relative paths and {baseDir} in a skill stand for its folder (the directory of that location).',
    'Never read more than one skill up front; if none applies, do not read any.',
    '<available_skills>',
    ...skills.map(
      (skill) =>
        `<skill><name>${escapeXml(skill.name)}</name><description>${escapeXml(skill.description)}</description><location>${escapeXml(skill.location)}</location></skill>`,
    ),
    '</available_skills>',
  ].join('\n');
}

/** A skill the user called as `/<name> args`, with its instructions ready for the prompt. */
export interface SkillInvocation {
  name: string;
  args: string;
  location: string;
  instructions: string;
}

/** The system-prompt section for a slash-invoked skill. */
export function formatInvocationPrompt(invocation: SkillInvocation): string {
  return [
    `## Skill invoked: ${invocation.name}`,
    `The user started this turn with /${invocation.name}${invocation.args ? ` followed by: ${invocation.args}` : ' (no arguments)'}.`,
    `Follow the instructions of that skill (from ${invocation.location}); you do not need to read the file again.`,
    '<skill_instructions>',
    invocation.instructions.trim(),
    '</skill_instructions>',
  ].join('\n');
}

/** `/<name> args` at the start of a message: the command name and the rest; else undefined. */
export function parseSlashCommand(text: string): { name: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9][A-Za-z0-9_-]*)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}
