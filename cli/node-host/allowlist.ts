/**
 * The node's own allowlist, `<stateDir>/node-allowlist.json`: commands `system.run` may run
 * without the owner approving each one. It lives on the node, so whoever controls the
 * machine decides what runs there unasked. Read on every command: edits apply at once.
 *
 * Format: `{ "commands": ["uname -a", "git status", "ls *"] }` — each pattern is matched
 * against the argv joined with spaces; `*` matches any run of characters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const allowlistSchema = z.object({ commands: z.array(z.string().min(1)).default([]) });

/** Where a node's allowlist lives. */
export function allowlistFile(stateDir: string): string {
  return join(stateDir, 'node-allowlist.json');
}

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** Whether argv matches an entry of the allowlist (a missing file allows nothing). */
export function isAllowlisted(stateDir: string, argv: readonly string[]): boolean {
  let text: string;
  try {
    text = readFileSync(allowlistFile(stateDir), 'utf8');
  } catch {
    return false;
  }
  let parsed;
  try {
    parsed = allowlistSchema.safeParse(JSON.parse(text));
  } catch {
    return false; // a broken file allows nothing rather than everything
  }
  if (!parsed.success) return false;
  const line = argv.join(' ');
  return parsed.data.commands.some((pattern) => patternRegExp(pattern).test(line));
}
