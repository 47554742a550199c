import type { Message } from '../core/messages.js';
import type { SkillsSnapshot } from '../core/skills/catalog.js';
import { formatInvocationPrompt, formatSkillsPrompt } from '../core/skills/prompt.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { memoryPromptSection } from './memory/prompt.js';
import type { ToolDefinition } from './tools/tool.js';

/** The system prompt: who the agent is, where it works, its tools and skills. */
export function buildSystemPrompt(options: {
  workspaceDir: string;
  tools: readonly ToolDefinition[];
  skills: SkillsSnapshot;
  basePrompt?: string;
  extra?: string;
}): string {
  const lines = [
    options.basePrompt ??
      'You are ClawdBot, a personal assistant running on the user’s own machine. Be concise and accurate; use tools when they help, and say plainly what you did.',
    '',
    `Your workspace is ${options.workspaceDir}. File paths are relative to it, and tools cannot reach outside it${options.skills.skills.length > 0 || options.skills.invoked ? ' (read_file may also read the skill files named below)' : ''}.`,
    '',
    '## Tools',
    ...options.tools.map((tool) => `- ${tool.name}: ${tool.description.split('\n')[0]}`),
  ];
  if (options.tools.some((tool) => tool.name === 'memory_search')) {
    lines.push('', memoryPromptSection);
  }
  const skills = formatSkillsPrompt(options.skills.skills);
  if (skills !== '') lines.push('', skills);
  if (options.skills.invoked) lines.push('', formatInvocationPrompt(options.skills.invoked));
  if (options.extra) lines.push('', options.extra);
  return lines.join('\n');
}

/**
 * The messages the model sees: the transcript's recent messages, starting at a user
 * message so no tool result is separated from the call that asked for it.
 */
export function contextWindow(entries: TranscriptEntry[]): Message[] {
  const messages = entries.flatMap((entry) => (entry.type === 'message' ? [entry.message] : []));
  const start = messages.findIndex((message) => message.role === 'user');
  return start < 0 ? [] : messages.slice(start);
}
