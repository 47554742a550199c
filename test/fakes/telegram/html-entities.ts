// How the Bot API reads `parse_mode: "HTML"` text: only its documented tags and entities
// (https://core.telegram.org/bots/api#html-style); anything else is refused with
// `Bad Request: can't parse entities: ...`, which is what a channel must fall back from.

/** Tags the Bot API accepts (their attributes are not checked: Telegram ignores unknown ones). */
const allowedTags = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'tg-spoiler',
  'span',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);

const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The visible text of an HTML message, or why Telegram would refuse it. */
export type HtmlParseResult = { ok: true; text: string } | { ok: false; error: string };

/** Parse Telegram-flavoured HTML; the error text follows Telegram's own wording. */
export function parseTelegramHtml(html: string): HtmlParseResult {
  const open: string[] = [];
  let text = '';
  let index = 0;
  const byteOffset = (at: number) => Buffer.byteLength(html.slice(0, at));
  const fail = (error: string): HtmlParseResult => ({
    ok: false,
    error: `can't parse entities: ${error}`,
  });
  while (index < html.length) {
    const char = html[index]!;
    if (char === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(html.slice(index));
      const name = match?.[1];
      if (name === undefined) {
        // The docs require every `&` outside an entity to be escaped as `&amp;`.
        return fail(`Can't find end of the entity starting at byte offset ${byteOffset(index)}`);
      }
      if (name.startsWith('#')) {
        const code =
          name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1));
        text += String.fromCodePoint(code);
      } else {
        const decoded = namedEntities[name.toLowerCase()];
        if (decoded === undefined) {
          return fail(`Unsupported HTML entity "&${name};" at byte offset ${byteOffset(index)}`);
        }
        text += decoded;
      }
      index += match![0].length;
      continue;
    }
    if (char !== '<') {
      text += char;
      index += 1;
      continue;
    }
    const end = html.indexOf('>', index);
    if (end < 0) return fail(`Unclosed start tag at byte offset ${byteOffset(index)}`);
    const raw = html.slice(index + 1, end);
    if (raw.startsWith('/')) {
      const name = raw.slice(1).trim().toLowerCase();
      const expected = open.pop();
      if (expected === undefined) {
        return fail(`Unexpected end tag at byte offset ${byteOffset(index)}`);
      }
      if (name !== '' && name !== expected) {
        return fail(
          `Unmatched end tag at byte offset ${byteOffset(index)}, expected "</${expected}>", found "</${name}>"`,
        );
      }
    } else {
      const tag =
        /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*$/.exec(
          raw,
        );
      const name = tag?.[1]?.toLowerCase();
      if (tag === null || name === undefined || !allowedTags.has(name)) {
        return fail(
          `Unsupported start tag "${raw.split(/\s/)[0]}" at byte offset ${byteOffset(index)}`,
        );
      }
      if ((name === 'code' || name === 'pre') && open.some((o) => o === 'code')) {
        return fail(
          `Unsupported start tag "${name}" inside "code" at byte offset ${byteOffset(index)}`,
        );
      }
      open.push(name);
    }
    index = end + 1;
  }
  if (open.length > 0) {
    return fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]}"`);
  }
  return { ok: true, text };
}
