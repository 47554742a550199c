import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Message } from '../core/messages.js';
import { packageRoot } from '../core/paths.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import type { ToolDefinition } from './tools/tool.js';

/** A skill the agent may use: from a SKILL.md's YAML frontmatter. */
export interface SkillSummary {
  name: string;
  description: string;
  file: string;
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, binary)));
}

function frontmatter(text: string): Record<string, unknown> | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) return undefined;
  try {
    const data: unknown = parseYaml(match[1]!);
    return typeof data === 'object' && data !== null
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Binaries a skill declares it needs (`requires.bins` or `metadata.clawdbot.requires.bins`). */
function requiredBins(meta: Record<string, unknown>): string[] {
  const pick = (value: unknown): unknown =>
    (value as { requires?: { bins?: unknown } } | undefined)?.requires?.bins;
  const nested = (meta.metadata as { clawdbot?: unknown; openclaw?: unknown } | undefined) ?? {};
  const bins = pick(meta) ?? pick(nested.clawdbot) ?? pick(nested.openclaw);
  return Array.isArray(bins) ? bins.filter((bin): bin is string => typeof bin === 'string') : [];
}

/** Skills whose SKILL.md parses and whose required binaries are installed: bundled, then the user's. */
export function eligibleSkills(userSkillsDir: string): SkillSummary[] {
  const skills = new Map<string, SkillSummary>();
  for (const root of [join(packageRoot, 'skills'), userSkillsDir]) {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = join(root, name, 'SKILL.md');
      let meta: Record<string, unknown> | undefined;
      try {
        meta = frontmatter(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      if (!meta || typeof meta.name !== 'string' || typeof meta.description !== 'string') continue;
      if (!requiredBins(meta).every(onPath)) continue;
      skills.set(meta.name, { name: meta.name, description: meta.description, file });
    }
  }
  return [...skills.values()];
}

/** The system prompt: who the agent is, where it works, its tools and skills. */
export function buildSystemPrompt(options: {
  workspaceDir: string;
  tools: readonly ToolDefinition[];
  skills: SkillSummary[];
  basePrompt?: string;
  extra?: string;
}): string {
  const lines = [
    options.basePrompt ??
      'You are ClawdBot, a personal assistant running on the user’s own machine. Be concise and accurate; use tools when they help, and say plainly what you did.',
    '',
    `Your workspace is ${options.workspaceDir}. File paths are relative to it, and tools cannot reach outside it.`,
    '',
    '## Tools',
    ...options.tools.map((tool) => `- ${tool.name}: ${tool.description.split('\n')[0]}`),
  ];
  if (options.skills.length > 0) {
    lines.push('', '## Skills', 'Specialised instructions you can follow when a task matches:');
    lines.push(...options.skills.map((skill) => `- ${skill.name}: ${skill.description}`));
  }
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
