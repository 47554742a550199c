/**
 * WebChat as a channel of the registry. The page (web/) talks to the gateway over its
 * WebSocket protocol (`chat.send`, streamed `agent`/`chat` events), so there is nothing to
 * connect: the account `default` exists without config (`implicit`), is running whenever
 * the gateway runs its channels, and is listed by `channels.status` and `channels list`
 * like every other channel — so code that lists or routes channels, and later the
 * `message` tool, treats it the same way.
 */
import { channelAccountSchema } from '../shared/config.js';
import { ChannelSendError, type ChannelPlugin, type CommonAccountOptions } from '../types.js';

/** The channel id turns from the WebChat page carry (`InboundMessage.channel`). */
export const WEBCHAT_CHANNEL_ID = 'webchat';

const unsupported = () =>
  Promise.reject(
    new ChannelSendError(
      'WebChat replies stream over the gateway WebSocket; sending outside a turn is not supported yet',
      { retryable: false },
    ),
  );

/** The WebChat channel plugin. */
export const webchatChannel: ChannelPlugin<CommonAccountOptions> = {
  id: WEBCHAT_CHANNEL_ID,
  label: 'WebChat',
  capabilities: {
    chatTypes: ['direct'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: false,
  },
  // The page shows a reply whole as it streams; nothing is chunked.
  textChunkLimit: 100_000,
  // The page renders Markdown itself.
  formatText: (markdown) => markdown,
  idLabel: 'webchatClient',
  configSchema: channelAccountSchema({}),
  isConfigured: () => true,
  implicit: true,
  start: (context) => {
    // Whoever holds the gateway token is the owner: access policies do not apply here.
    context.setStatus({ connected: true, botName: 'WebChat' });
    return Promise.resolve({
      sendText: unsupported,
      sendMedia: unsupported,
      probe: () => Promise.resolve({ botName: 'WebChat' }),
      stop: () => {
        context.setStatus({ connected: false });
        return Promise.resolve();
      },
    });
  },
};
