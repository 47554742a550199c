import { z } from 'zod';
import type { Message } from '../../core/messages.js';
import { defineTool } from './tool.js';
import { sessionServices, targetSessionKey } from './session-tools-shared.js';

function render(message: Message): string {
  const parts = message.content.map((block) => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'image':
        return '[image]';
      case 'toolCall':
        return `[calls ${block.name} ${JSON.stringify(block.arguments).slice(0, 200)}]`;
    }
  });
  const who =
    message.role === 'toolResult'
      ? `tool ${message.toolName}${message.isError ? ' (error)' : ''}`
      : message.role;
  return `${who}: ${parts.join(' ')}`;
}

/** sessions_history: read another session's recent messages. */
export const sessionsHistoryTool = defineTool({
  name: 'sessions_history',
  description:
    'Read the most recent messages of a session (user, assistant and tool results), oldest first.',
  inputSchema: z.object({
    sessionKey: z.string().min(1).describe('The session to read, e.g. "agent:main:main"'),
    limit: z.number().int().min(1).max(200).default(20).describe('How many messages'),
  }),
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  async execute(input, context) {
    const { store } = sessionServices(context);
    const sessionKey = targetSessionKey(input.sessionKey, context);
    const entry = await store.get(sessionKey);
    if (!entry) return { text: `No session "${sessionKey}".`, isError: true };
    const messages = await store.readHistory(entry.sessionId, { limit: input.limit });
    if (messages.length === 0) return { text: `Session ${sessionKey} has no messages yet.` };
    return {
      text: messages.map(render).join('\n'),
      details: { sessionKey, count: messages.length },
    };
  },
});
