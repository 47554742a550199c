/**
 * Set and remove one key of a JSON5 document by editing its text, so the comments,
 * ordering and layout a person gave clawdbot.json survive `clawdbot config set/unset`.
 * The json5 package only parses and stringifies (its output would drop every comment),
 * hence this small scanner: it finds where each object member's key and value sit, and
 * the edit replaces, inserts or cuts just that span. New values are written as JSON
 * (valid JSON5), indented like their siblings.
 */
import { ClawdbotError } from '../core/errors.js';

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  /** The object this member's value is, when it is one. */
  object?: ObjectNode;
}

interface ObjectNode {
  /** Index of `{`. */
  start: number;
  /** Index of `}`. */
  close: number;
  members: Member[];
}

class Scanner {
  index = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new ClawdbotError(
      'CONFIG_INVALID',
      `cannot edit the config file: ${what} at offset ${this.index}`,
    );
  }

  skipBlank(): void {
    const { text } = this;
    for (;;) {
      const char = text[this.index];
      if (char === undefined) return;
      if (/\s/.test(char)) this.index++;
      else if (text.startsWith('//', this.index)) {
        const end = text.indexOf('\n', this.index);
        this.index = end === -1 ? text.length : end + 1;
      } else if (text.startsWith('/*', this.index)) {
        const end = text.indexOf('*/', this.index + 2);
        if (end === -1) this.fail('unclosed comment');
        this.index = end + 2;
      } else return;
    }
  }

  string(): string {
    const quote = this.text[this.index];
    let value = '';
    this.index++;
    while (this.index < this.text.length) {
      const char = this.text[this.index]!;
      if (char === '\\') {
        value += this.text.slice(this.index, this.index + 2);
        this.index += 2;
        continue;
      }
      this.index++;
      if (char === quote) return value;
      value += char;
    }
    this.fail('unclosed string');
  }

  value(): ObjectNode | undefined {
    this.skipBlank();
    const char = this.text[this.index];
    if (char === '{') return this.object();
    if (char === '[') {
      this.index++;
      for (;;) {
        this.skipBlank();
        if (this.text[this.index] === ']') break;
        this.value();
        this.skipBlank();
        if (this.text[this.index] === ',') this.index++;
        else if (this.text[this.index] !== ']') this.fail('expected , or ]');
      }
      this.index++;
      return undefined;
    }
    if (char === '"' || char === "'") {
      this.string();
      return undefined;
    }
    const start = this.index;
    while (this.index < this.text.length && !/[\s,\]}/]/.test(this.text[this.index]!)) this.index++;
    if (this.index === start) this.fail('expected a value');
    return undefined;
  }

  object(): ObjectNode {
    const node: ObjectNode = { start: this.index, close: -1, members: [] };
    this.index++;
    for (;;) {
      this.skipBlank();
      const char = this.text[this.index];
      if (char === '}') break;
      if (char === undefined) this.fail('unclosed object');
      const keyStart = this.index;
      let key: string;
      if (char === '"' || char === "'") key = this.string();
      else {
        const match = /^[$\w]+/.exec(this.text.slice(this.index));
        if (!match) this.fail('expected a key');
        key = match[0];
        this.index += key.length;
      }
      this.skipBlank();
      if (this.text[this.index] !== ':') this.fail('expected :');
      this.index++;
      this.skipBlank();
      const valueStart = this.index;
      const object = this.value();
      node.members.push({
        key,
        keyStart,
        valueStart,
        valueEnd: this.index,
        ...(object ? { object } : {}),
      });
      this.skipBlank();
      if (this.text[this.index] === ',') this.index++;
      else if (this.text[this.index] !== '}') this.fail('expected , or }');
    }
    node.close = this.index;
    this.index++;
    return node;
  }
}

function parseRoot(text: string): ObjectNode {
  const scanner = new Scanner(text);
  scanner.skipBlank();
  if (text[scanner.index] !== '{') scanner.fail('the top level is not an object');
  return scanner.object();
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

function indentOf(text: string, index: number): string {
  const start = lineStart(text, index);
  const before = text.slice(start, index);
  return /^\s*$/.test(before) ? before : '';
}

/** `value` as JSON whose continuation lines start at `indent`. */
function render(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

function nest(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Where the line holding `index` ends, when only blanks or a line comment follow `index` on it. */
function quietLineEnd(text: string, index: number): number | undefined {
  const end = text.indexOf('\n', index);
  const rest = text.slice(index, end === -1 ? text.length : end);
  return /^\s*(\/\/.*)?$/.test(rest) ? (end === -1 ? text.length : end) : undefined;
}

/** The index of the comma after a member's value, if it has one. */
function commaAfter(text: string, member: Member): number | undefined {
  const scanner = new Scanner(text);
  scanner.index = member.valueEnd;
  scanner.skipBlank();
  return text[scanner.index] === ',' ? scanner.index : undefined;
}

function insertMember(text: string, node: ObjectNode, key: string, value: unknown): string {
  const last = node.members.at(-1);
  if (last === undefined) {
    const outer = indentOf(text, node.start);
    const indent = `${outer}  `;
    const inner = text.slice(node.start + 1, node.close);
    const body = `\n${indent}${JSON.stringify(key)}: ${render(value, indent)}\n${outer}`;
    // Keep a comment that sat inside the empty object.
    const kept = inner.trim() === '' ? '' : `${inner.replace(/\s+$/, '')}`;
    return `${text.slice(0, node.start + 1)}${kept}${body}${text.slice(node.close)}`;
  }
  const indent = indentOf(text, last.keyStart);
  const member = `${JSON.stringify(key)}: ${render(value, indent)}`;
  const comma = commaAfter(text, last);
  if (indent === '') {
    // A one-line object: add the member before the closing brace.
    const at = comma === undefined ? last.valueEnd : comma + 1;
    return `${text.slice(0, at)}${comma === undefined ? ',' : ''} ${member}${comma === undefined ? '' : ','}${text.slice(at)}`;
  }
  if (comma !== undefined) {
    // Trailing-comma style: the new member gets one too.
    const end = quietLineEnd(text, comma + 1) ?? comma + 1;
    return `${text.slice(0, end)}\n${indent}${member},${text.slice(end)}`;
  }
  const end = quietLineEnd(text, last.valueEnd);
  if (end === undefined) {
    return `${text.slice(0, last.valueEnd)},\n${indent}${member}${text.slice(last.valueEnd)}`;
  }
  // The comma goes after the value, before a comment on its line; the member on a new line.
  return (
    `${text.slice(0, last.valueEnd)},${text.slice(last.valueEnd, end)}` +
    `\n${indent}${member}${text.slice(end)}`
  );
}

/** `text` with `path` set to `value` (created with any missing parent objects). */
export function setInText(text: string, path: string[], value: unknown): string {
  if (path.length === 0) throw new ClawdbotError('INVALID_REQUEST', 'the config key is empty');
  if (text.trim() === '') return `${render(nest(path, value), '')}\n`;
  let node = parseRoot(text);
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    const member = node.members.find((candidate) => candidate.key === key);
    const rest = path.slice(depth + 1);
    if (member === undefined) return insertMember(text, node, key, nest(rest, value));
    if (rest.length === 0 || member.object === undefined) {
      const indent = indentOf(text, member.keyStart);
      return (
        text.slice(0, member.valueStart) +
        render(nest(rest, value), indent) +
        text.slice(member.valueEnd)
      );
    }
    node = member.object;
  }
  return text;
}

/** `text` without `path`; `removed` false when it was not there. */
export function unsetInText(text: string, path: string[]): { text: string; removed: boolean } {
  if (text.trim() === '' || path.length === 0) return { text, removed: false };
  let node = parseRoot(text);
  for (let depth = 0; depth < path.length - 1; depth++) {
    const next = node.members.find((candidate) => candidate.key === path[depth])?.object;
    if (next === undefined) return { text, removed: false };
    node = next;
  }
  const position = node.members.findIndex((candidate) => candidate.key === path.at(-1));
  const member = node.members[position];
  if (member === undefined) return { text, removed: false };
  const comma = commaAfter(text, member);
  let from = member.keyStart;
  let to = comma === undefined ? member.valueEnd : comma + 1;
  const ownLine = lineStart(text, from);
  const lineEnd = quietLineEnd(text, to);
  if ((indentOf(text, from) !== '' || text.slice(ownLine, from) === '') && lineEnd !== undefined) {
    from = ownLine;
    to = Math.min(text.length, lineEnd + 1);
  } else {
    while (text[to] === ' ') to++;
  }
  let edited = text.slice(0, from) + text.slice(to);
  // The last member had no comma: the one before it must lose its own.
  const previous = node.members[position - 1];
  if (comma === undefined && previous !== undefined) {
    const previousComma = commaAfter(text, previous);
    if (previousComma !== undefined && previousComma < from) {
      edited = edited.slice(0, previousComma) + edited.slice(previousComma + 1);
    }
  }
  return { text: edited, removed: true };
}
