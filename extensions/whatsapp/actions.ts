/**
 * The account's side of `whatsapp_actions`: each action as the Cloud API takes it (a
 * `reaction` or `template` message, or a `status: "read"` receipt), through the account's
 * Graph API client. Parameters were validated by the tool's schema.
 */
import type { GraphApi } from './graph-api.js';

export function whatsappActions(api: GraphApi) {
  return async (name: string, params: Record<string, unknown>): Promise<unknown> => {
    const text = (field: string): string => {
      const value = params[field];
      return typeof value === 'string' ? value : '';
    };
    switch (name) {
      case 'react': {
        const id = await api.sendMessage(text('to'), {
          type: 'reaction',
          reaction: { message_id: text('messageId'), emoji: text('emoji') },
        });
        return { messageId: id };
      }
      case 'sendTemplate': {
        const values = Array.isArray(params.parameters) ? params.parameters.map(String) : [];
        const id = await api.sendMessage(text('to'), {
          type: 'template',
          template: {
            name: text('template'),
            language: { code: typeof params.language === 'string' ? params.language : 'en_US' },
            ...(values.length > 0
              ? {
                  components: [
                    {
                      type: 'body',
                      parameters: values.map((value) => ({ type: 'text', text: value })),
                    },
                  ],
                }
              : {}),
          },
        });
        return { messageId: id };
      }
      case 'markRead':
        await api.markRead(text('messageId'));
        return undefined;
      default:
        throw new Error(`unknown WhatsApp action "${name}"`);
    }
  };
}
