/**
 * Commands a user can type in any channel or WebChat, answered by ClawdBot itself rather
 * than the model: `/new` and `/reset` start a new session, `/compact` summarises the
 * history now. Optional text after `/new` or `/reset` is the new session's first message.
 */

/** A recognised command and the text after it. */
export interface ChatCommand {
  name: 'new' | 'reset' | 'compact';
  rest: string;
}

/** The command a message starts with, if any (case-insensitive, `/new@botname` accepted). */
export function parseChatCommand(text: string): ChatCommand | undefined {
  const match = /^\/(new|reset|compact)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase() as ChatCommand['name'], rest: (match[2] ?? '').trim() };
}
