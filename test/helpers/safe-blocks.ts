/**
 * Finds the `bash safe` examples of a skill and the commands they start, so the examples
 * test can run exactly the blocks whose tools are installed and say which ones it skipped.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One fenced `bash safe` block of a SKILL.md. */
export interface SafeBlock {
  /** 1-based position among the skill's safe blocks. */
  index: number;
  /** Line of the opening fence in SKILL.md, for the test name. */
  line: number;
  script: string;
}

/** Every ```bash safe block, in order. */
export function safeBlocks(text: string): SafeBlock[] {
  const blocks: SafeBlock[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    if (!/^```bash\s+safe\s*$/.test(lines[index]!.trim())) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index]!.trim().startsWith('```'); index++) {
      body.push(lines[index]!);
    }
    blocks.push({ index: blocks.length + 1, line: start + 1, script: body.join('\n') });
  }
  return blocks;
}

/** Shell words that are not programs on PATH. */
const shellWords = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'in',
  'do',
  'done',
  'while',
  'until',
  'case',
  'esac',
  'function',
  'time',
  '!',
  '[',
  '[[',
  ']]',
  'test',
  'command',
  'echo',
  'printf',
  'cd',
  'export',
  'set',
  'unset',
  'true',
  'false',
  'read',
  'local',
  'break',
  'continue',
  'exit',
  'return',
  'shift',
  'type',
  'eval',
  'exec',
  'source',
  'wait',
  'trap',
  'pwd',
]);

/**
 * The programs a script starts: the first word of each simple command, including those in
 * `$( … )`. Quoted text is dropped first so that `|` inside a jq filter is not a pipe.
 */
export function commandWords(script: string): string[] {
  const words = new Set<string>();
  const joined = script.replace(/\\\n/g, ' ');
  for (const match of joined.matchAll(/\$\(\s*([\w.+-]+)/g)) words.add(match[1]!);
  const unquoted = joined
    .replace(/'[^']*'/g, "''")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/#.*$/gm, '');
  for (const segment of unquoted.split(/&&|\|\||[|;\n(){}]/)) {
    const tokens = segment.trim().split(/\s+/);
    // Skip leading assignments (X=1 cmd) and keywords (if cmd; then cmd).
    let token = tokens.shift();
    // The words after for/case/select are a variable and values, not programs.
    if (token === 'for' || token === 'case' || token === 'select') continue;
    while (token !== undefined && (/^\w+=/.test(token) || shellWords.has(token))) {
      if (token === 'command' || token === 'test' || token === '[') break;
      token = tokens.shift();
    }
    if (token && /^[A-Za-z0-9_][\w.+-]*$/.test(token) && !shellWords.has(token)) words.add(token);
  }
  return [...words].sort();
}

/** The absolute path of an executable on PATH, or undefined. */
export function onPath(program: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
