// Talk webhook events as Talk's bot documentation shows them: Activity Streams 2.0 `Create`
// of a `Note` whose content is JSON `{ message, parameters }` (mentions as `{mention-user1}`
// placeholders with rich object parameters), in the conversation `target`.

/** A person writing. */
export interface TalkPerson {
  id: string;
  name: string;
}

/** A chat message event; `mention` adds a mention of that name as Talk renders one. */
export function messageEvent(
  room: { token: string; name: string },
  person: TalkPerson,
  messageId: number,
  text: string,
  options: { mention?: { id: string; name: string; type?: string } } = {},
) {
  const parameters: Record<string, unknown> = {};
  let message = text;
  if (options.mention) {
    parameters['mention-user1'] = {
      type: options.mention.type ?? 'user',
      id: options.mention.id,
      name: options.mention.name,
      'mention-id': options.mention.id,
    };
    message = `{mention-user1} ${text}`;
  }
  return {
    type: 'Create',
    actor: { type: 'Person', id: `users/${person.id}`, name: person.name },
    object: {
      type: 'Note',
      id: String(messageId),
      name: 'message',
      content: JSON.stringify({ message, parameters }),
      mediaType: 'text/markdown',
    },
    target: { type: 'Collection', id: room.token, name: room.name },
  };
}
