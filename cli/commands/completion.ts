import type { Command } from 'commander';
import { processOutput, type Output } from '../gateway-command.js';

interface Node {
  /** Space-joined path of subcommands from the root ('' for the root). */
  path: string;
  commands: { name: string; description: string }[];
  options: string[];
}

/** Every command level of the program: its subcommands and its long options. */
function walk(command: Command, path: string[] = []): Node[] {
  const node: Node = {
    path: path.join(' '),
    commands: command.commands.map((sub) => ({ name: sub.name(), description: sub.description() })),
    options: command.options.map((option) => option.long).filter((long): long is string => !!long),
  };
  return [node, ...command.commands.flatMap((sub) => walk(sub, [...path, sub.name()]))];
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map(
      (node) =>
        `    "${node.path}") words="${[...node.commands.map((c) => c.name), ...node.options, '--help'].join(' ')}" ;;`,
    )
    .join('\n');
  return `# clawdbot bash completion: eval "$(clawdbot completion bash)"
_clawdbot() {
  local cur cmdpath word i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmdpath=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "$cmdpath" in
${nodes
  .map(
    (node) =>
      `      "${node.path}") case "$word" in ${node.commands.length > 0 ? node.commands.map((c) => c.name).join('|') : '__none__'}) cmdpath="\${cmdpath:+$cmdpath }$word" ;; esac ;;`,
  )
  .join('\n')}
    esac
  done
  case "$cmdpath" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _clawdbot clawdbot
`;
}

function quoteZsh(text: string): string {
  return text.replaceAll("'", "'\\''").replaceAll(':', '\\:');
}

function zsh(nodes: Node[]): string {
  const cases = nodes
    .map((node) => {
      const entries = [
        ...node.commands.map((c) => `'${quoteZsh(c.name)}:${quoteZsh(c.description)}'`),
        ...node.options.map((o) => `'${quoteZsh(o)}'`),
      ];
      return `    "${node.path}") candidates=(${entries.join(' ')}) ;;`;
    })
    .join('\n');
  return `#compdef clawdbot
# clawdbot zsh completion: eval "$(clawdbot completion zsh)" (after compinit)
_clawdbot() {
  local cmdpath="" word candidates
  local -a known
  for word in \${words[2,CURRENT-1]}; do
    [[ "$word" == -* ]] && continue
    known=(\${(f)"$(_clawdbot_children "$cmdpath")"})
    (( \${known[(Ie)$word]} )) && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  case "$cmdpath" in
${cases}
    *) candidates=() ;;
  esac
  _describe 'clawdbot' candidates
}
_clawdbot_children() {
  case "$1" in
${nodes.map((node) => `    "${node.path}") print -l ${node.commands.map((c) => c.name).join(' ')} ;;`).join('\n')}
  esac
}
compdef _clawdbot clawdbot
`;
}

function fish(nodes: Node[]): string {
  const lines = [
    '# clawdbot fish completion: clawdbot completion fish | source',
    'complete -c clawdbot -f',
  ];
  for (const node of nodes) {
    const condition =
      node.path === ''
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path.split(' ').at(-1)}`;
    for (const command of node.commands) {
      lines.push(
        `complete -c clawdbot -n '${condition}' -a ${command.name} -d '${command.description.replaceAll("'", "\\'")}'`,
      );
    }
    for (const option of node.options) {
      lines.push(`complete -c clawdbot -n '${condition}' -l ${option.replace(/^--/, '')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `clawdbot completion bash|zsh|fish`: a completion script built from the command tree itself. */
export function runCompletion(
  shell: string,
  program: Command,
  output: Output = processOutput,
): number {
  const nodes = walk(program);
  switch (shell) {
    case 'bash':
      output.out(bash(nodes));
      return 0;
    case 'zsh':
      output.out(zsh(nodes));
      return 0;
    case 'fish':
      output.out(fish(nodes));
      return 0;
    default:
      output.err(`clawdbot: no completion for "${shell}": choose bash, zsh or fish\n`);
      return 2;
  }
}
