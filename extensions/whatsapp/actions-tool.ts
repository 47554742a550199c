/**
 * `whatsapp_actions`: Cloud API operations beyond sending a reply — react to a message,
 * send an approved message template (the only way to write first, or after the 24-hour
 * customer-service window closed), mark a message read. Registered by this plugin; it runs,
 * like the other `<channel>_actions` tools, in the gateway process hosting the account.
 */
import { z } from 'zod';
import {
  accountIdField,
  defineChannelActionsTool,
} from '../../activities/tools/channel-actions.js';

export const whatsappActionsTool = defineChannelActionsTool({
  channel: 'whatsapp',
  description:
    'WhatsApp (Cloud API) operations: react to a message with an emoji (or remove the reaction), ' +
    'send an approved message template (needed to write to someone outside the 24-hour window), ' +
    'mark a received message read. User ids are WhatsApp ids (phone numbers without "+"); ' +
    'message ids are wamid.… ids as in the conversation. Each action can be turned off by the owner.',
  inputSchema: z.object({
    action: z.enum(['react', 'sendTemplate', 'markRead']).describe('What to do'),
    accountId: accountIdField,
    to: z
      .string()
      .regex(/^\d{6,20}$/, 'a WhatsApp id: the phone number in international form, digits only')
      .optional()
      .describe('react / sendTemplate: the user (wa_id) of the chat'),
    messageId: z.string().min(1).optional().describe('react / markRead: the wamid of the message'),
    emoji: z
      .string()
      .optional()
      .describe('react: one emoji; an empty string removes the bot’s reaction'),
    template: z.string().min(1).optional().describe('sendTemplate: the approved template’s name'),
    language: z
      .string()
      .min(2)
      .optional()
      .describe('sendTemplate: the template’s language code (default en_US)'),
    parameters: z
      .array(z.string())
      .max(20)
      .optional()
      .describe('sendTemplate: values of the body’s {{1}}, {{2}}… placeholders, in order'),
  }),
  actions: {
    react: { group: 'reactions', requires: ['to', 'messageId', 'emoji'] },
    sendTemplate: { group: 'templates', requires: ['to', 'template'] },
    markRead: { group: 'read', requires: ['messageId'] },
  },
});
