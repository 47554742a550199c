/**
 * `tools.message`: where the message tool may send besides the chat it was called from.
 * Its own file so the schema file other features edit stays a list of sections.
 */
import { z } from 'zod';

/** `tools.message` as validated. */
export const messageToolSchema = z.strictObject({
  crossContext: z
    .boolean()
    .default(false)
    .describe(
      'Let the message tool of a chat session reach any chat of any configured channel ' +
        '(default false: only its own chat, plus allowTargets)',
    ),
  allowTargets: z
    .array(z.string().trim().min(1))
    .default([])
    .describe(
      'Chats a chat session may reach besides its own: "<channel>:<chat id>", ' +
        '"<channel>:*", or a session key',
    ),
});

/** A validated `tools.message` section. */
export type MessageToolConfig = z.infer<typeof messageToolSchema>;
