/**
 * A small Markdown reader for model replies, shared by the Telegram and Slack formatters.
 * It reads line by line (block kinds) and then each line's inline marks into a tree, so a
 * renderer that walks the tree always emits balanced markup whatever the model wrote:
 * an unclosed `**` stays literal text instead of an unclosed tag the platform rejects.
 * It covers what models write (CommonMark's common cases and GFM's strike and tables),
 * not the whole CommonMark spec.
 */

/** Inline content of a line. */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] };

/** One block; every block is one or more lines of the output, in the input's order. */
export type Block =
  | { type: 'blank' }
  | { type: 'text'; text: string }
  | { type: 'heading'; level: number; text: string }
  | { type: 'code'; language?: string; text: string }
  | { type: 'quote'; lines: string[] }
  | { type: 'list-item'; depth: number; marker?: string; checked?: boolean; text: string }
  | { type: 'rule' }
  | { type: 'table'; lines: string[] };

const OPEN_FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^`]*?)[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const TASK = /^\[([ xX])\][ \t]+(.*)$/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** Read Markdown into blocks. */
export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const fence = OPEN_FENCE.exec(line);
    if (fence) {
      const indent = fence[1] ?? '';
      const marker = fence[2] ?? '```';
      const closing = new RegExp(
        `^[ \\t]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`,
      );
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !closing.test(lines[index] ?? '')) {
        const bodyLine = lines[index] ?? '';
        // Code indented under a list item loses the item's indentation, as a renderer would.
        const strip = Math.min(indent.length, /^[ \t]*/.exec(bodyLine)?.[0].length ?? 0);
        body.push(bodyLine.slice(strip));
        index += 1;
      }
      index += 1; // the closing fence (or past the end when the model never closed it)
      const language = fence[3]?.split(/\s+/)[0];
      blocks.push({ type: 'code', text: body.join('\n'), ...(language ? { language } : {}) });
      continue;
    }
    if (line.trim() === '') {
      blocks.push({ type: 'blank' });
      index += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
      index += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      index += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (let match = QUOTE.exec(line); match; match = QUOTE.exec(lines[index] ?? '')) {
        quoted.push(match[1] ?? '');
        index += 1;
        if (index >= lines.length) break;
      }
      blocks.push({ type: 'quote', lines: quoted });
      continue;
    }
    if (line.includes('|') && TABLE_SEPARATOR.test(lines[index + 1] ?? '')) {
      const rows: string[] = [];
      while (index < lines.length && (lines[index] ?? '').includes('|')) {
        rows.push(lines[index] ?? '');
        index += 1;
      }
      blocks.push({ type: 'table', lines: rows });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const width = (item[1] ?? '').replace(/\t/g, '    ').length;
      const marker = item[2] ?? '-';
      const task = TASK.exec(item[3] ?? '');
      blocks.push({
        type: 'list-item',
        depth: Math.floor(width / 2),
        ...(/\d/.test(marker) ? { marker } : {}),
        ...(task ? { checked: task[1] !== ' ' } : {}),
        text: task ? (task[2] ?? '') : (item[3] ?? ''),
      });
      index += 1;
      continue;
    }
    // Lines of one paragraph are read together, so `**a\nb**` is bold across the break.
    const previous = blocks.at(-1);
    if (previous?.type === 'text') previous.text += `\n${line}`;
    else blocks.push({ type: 'text', text: line });
    index += 1;
  }
  return blocks;
}

const ESCAPABLE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const BARE_URL = /^(?:https?:\/\/|www\.)[^\s<>]*[^\s<>.,;:!?'")\]*_~]/;
const AUTOLINK = /^<((?:https?|mailto|tg):[^\s<>]+)>/;
const isSpace = (character: string | undefined) => character === undefined || /\s/.test(character);
const isWordCharacter = (character: string | undefined) =>
  character !== undefined && /[\p{L}\p{N}]/u.test(character);

/** Length of the run of `character` starting at `index`. */
function runLength(text: string, index: number, character: string): number {
  let end = index;
  while (text[end] === character) end += 1;
  return end - index;
}

/** Offset just past the code span that opens at `index`, or undefined when it is unclosed. */
function codeSpanEnd(text: string, index: number): number | undefined {
  const ticks = runLength(text, index, '`');
  let search = index + ticks;
  for (;;) {
    const next = text.indexOf('`', search);
    if (next === -1) return undefined;
    const length = runLength(text, next, '`');
    if (length === ticks) return next + length;
    search = next + length;
  }
}

/** Where the emphasis `delimiter` opened before `from` closes, or undefined. */
function findCloser(text: string, from: number, delimiter: string): number | undefined {
  const character = delimiter[0] ?? '*';
  let index = from;
  while (index < text.length) {
    const current = text[index];
    if (current === '\\') {
      index += 2;
      continue;
    }
    if (current === '`') {
      index = codeSpanEnd(text, index) ?? index + runLength(text, index, '`');
      continue;
    }
    if (current === character) {
      const length = runLength(text, index, character);
      const closes =
        length === delimiter.length &&
        index > from &&
        !isSpace(text[index - 1]) &&
        (character !== '_' || !isWordCharacter(text[index + length]));
      if (closes) return index;
      index += length;
      continue;
    }
    index += 1;
  }
  return undefined;
}

/** A `[label](href)` starting at `index` (the `[`), or undefined. */
function parseLink(
  text: string,
  index: number,
): { label: string; href: string; end: number } | undefined {
  let depth = 0;
  let close = -1;
  for (let position = index; position < text.length; position += 1) {
    const character = text[position];
    if (character === '\\') position += 1;
    else if (character === '[') depth += 1;
    else if (character === ']' && --depth === 0) {
      close = position;
      break;
    }
  }
  if (close === -1 || text[close + 1] !== '(') return undefined;
  const destination =
    /^\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+("[^"]*"|'[^']*'))?\s*\)/.exec(
      text.slice(close + 1),
    );
  if (!destination) return undefined;
  const href = (destination[1] ?? '').replace(/^<(.*)>$/, '$1');
  return { label: text.slice(index + 1, close), href, end: close + 1 + destination[0].length };
}

/** Read one line (or a few joined lines) of inline Markdown into a tree. */
export function parseInline(text: string): Inline[] {
  const nodes: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') nodes.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? '';
    const previous = text[index - 1];
    if (character === '\\' && ESCAPABLE.test(text[index + 1] ?? '')) {
      buffer += text[index + 1];
      index += 2;
      continue;
    }
    if (character === '`') {
      const end = codeSpanEnd(text, index);
      const ticks = runLength(text, index, '`');
      if (end === undefined) {
        buffer += '`'.repeat(ticks);
        index += ticks;
        continue;
      }
      let code = text.slice(index + ticks, end - ticks);
      if (/^ .*[^ ].* $/s.test(code)) code = code.slice(1, -1);
      flush();
      nodes.push({ type: 'code', text: code });
      index = end;
      continue;
    }
    if (character === '[' || (character === '!' && text[index + 1] === '[')) {
      const link = parseLink(text, character === '!' ? index + 1 : index);
      if (link) {
        flush();
        const children = parseInline(link.label);
        nodes.push({
          type: 'link',
          href: link.href,
          children: children.length > 0 ? children : [{ type: 'text', text: link.href }],
        });
        index = link.end;
        continue;
      }
    }
    const autolink = character === '<' ? AUTOLINK.exec(text.slice(index)) : null;
    if (autolink) {
      flush();
      const href = autolink[1] ?? '';
      nodes.push({ type: 'link', href, children: [{ type: 'text', text: href }] });
      index += autolink[0].length;
      continue;
    }
    // Bare URLs stay text (platforms link them) and their underscores are not emphasis.
    const url =
      (character === 'h' || character === 'w') && !isWordCharacter(previous)
        ? BARE_URL.exec(text.slice(index))
        : null;
    if (url) {
      buffer += url[0];
      index += url[0].length;
      continue;
    }
    if (character === '*' || character === '_' || character === '~') {
      const run = runLength(text, index, character);
      const canOpen =
        !isSpace(text[index + run]) && (character !== '_' || !isWordCharacter(previous));
      const tries =
        character === '~' ? [2] : [Math.min(run, 3), Math.min(run, 2), 1].filter((n) => n <= run);
      let matched = false;
      for (const size of canOpen && run <= 3 ? [...new Set(tries)] : []) {
        if (run !== size && !(size < run && run === 3)) continue;
        const delimiter = character.repeat(size);
        const closer = findCloser(text, index + size, delimiter);
        if (closer === undefined) continue;
        const inner = parseInline(text.slice(index + size, closer));
        flush();
        if (character === '~') nodes.push({ type: 'strike', children: inner });
        else if (size === 3)
          nodes.push({ type: 'bold', children: [{ type: 'italic', children: inner }] });
        else nodes.push({ type: size === 2 ? 'bold' : 'italic', children: inner });
        index = closer + size;
        matched = true;
        break;
      }
      if (!matched) {
        buffer += character.repeat(run);
        index += run;
      }
      continue;
    }
    buffer += character;
    index += 1;
  }
  flush();
  return nodes;
}

/** The plain text of inline nodes (link labels, code as is). */
export function inlineText(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'bold':
        case 'italic':
        case 'strike':
        case 'link':
          return inlineText(node.children);
      }
    })
    .join('');
}
