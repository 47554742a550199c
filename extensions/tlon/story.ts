/**
 * Tlon message content ("story": a list of verses, each inline content or a block) to
 * plain text and back, and Urbit's @da/@ud forms that Tlon message ids are made of.
 */

/** One piece of inline content, as Tlon sends it. */
export type TlonInline =
  | string
  | { ship?: string; bold?: TlonInline[]; italics?: TlonInline[]; strike?: TlonInline[] }
  | { 'inline-code'?: string; code?: string; blockquote?: TlonInline[]; break?: null }
  | { link?: { href: string; content: string } };

/** One verse. */
export type TlonVerse =
  | { inline: TlonInline[] }
  | {
      block: {
        code?: { code: string; lang?: string };
        image?: { src: string; alt?: string };
        header?: { content: TlonInline[] };
        listing?: unknown;
      };
    };

function inlineText(items: readonly TlonInline[]): string {
  return items
    .map((item) => {
      if (typeof item === 'string') return item;
      if ('break' in item && item.break === null) return '\n';
      if ('ship' in item && item.ship) return item.ship;
      if ('link' in item && item.link) return item.link.content || item.link.href;
      if ('inline-code' in item && item['inline-code']) return `\`${item['inline-code']}\``;
      if ('code' in item && typeof item.code === 'string') return `\`${item.code}\``;
      for (const key of ['bold', 'italics', 'strike', 'blockquote'] as const) {
        const nested = (item as Record<string, unknown>)[key];
        if (Array.isArray(nested)) return inlineText(nested as TlonInline[]);
      }
      return '';
    })
    .join('');
}

/** A story's text (verses separated by blank lines; images as their URL). */
export function storyToText(story: unknown): string {
  if (!Array.isArray(story)) return '';
  return (story as TlonVerse[])
    .map((verse) => {
      if ('inline' in verse && Array.isArray(verse.inline)) return inlineText(verse.inline);
      if ('block' in verse && verse.block) {
        const { code, image, header } = verse.block;
        if (code) return `\`\`\`\n${code.code}\n\`\`\``;
        if (image) return image.src;
        if (header) return inlineText(header.content);
      }
      return '';
    })
    .filter((text) => text !== '')
    .join('\n\n')
    .trim();
}

/** Plain text → a story: one verse per paragraph, line breaks kept. */
export function textToStory(text: string): TlonVerse[] {
  return text
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => ({
      inline: paragraph
        .split('\n')
        .flatMap((line, index): TlonInline[] => (index === 0 ? [line] : [{ break: null }, line])),
    }));
}

// @da of the Unix epoch; one second is 2^64 @da units.
const DA_UNIX_EPOCH = 170141184475152167957503069145530368000n;

/** Urbit's @da (as a bigint) of a Unix time in ms. */
export function daFromUnixMs(ms: number): bigint {
  return DA_UNIX_EPOCH + (BigInt(ms) << 64n) / 1000n;
}

/** An atom in @ud form: digits grouped by three with dots (1.234.567). */
export function formatUd(value: bigint): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
