/**
 * Mention by name, for platforms where a bot is an ordinary account that nobody can
 * @mention (iMessage through imsg or BlueBubbles): a group message addresses the bot when
 * it names it as a whole word, in any case, with or without "@".
 */

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` names one of `names`. */
export function namesBot(text: string, names: readonly string[]): boolean {
  return names.some((name) =>
    new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'iu').test(text),
  );
}
