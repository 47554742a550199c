/**
 * LINE for `npm run bench:channels`: the fake Messaging API (test/fakes/line) and webhook
 * calls signed as LINE signs them, posted to the gateway; each bench user a 1:1 chat.
 */
import { startFakeLine } from '../../test/fakes/line/server.js';
import { messageEvent, sendWebhook } from '../../test/fakes/line/webhook-sender.js';
import type { BenchDriver } from './driver.js';

const channelSecret = 'bench-line-secret';
/** Bench user n's LINE user id. */
const userId = (user: number) => `U${String(user).padStart(32, '0')}`;

/** The LINE bench driver. */
export const driver: BenchDriver = {
  name: 'line',
  async start({ gatewayUrl }) {
    const fake = await startFakeLine();
    const replyTokenOwner = new Map<string, string>();
    return {
      channels: {
        line: {
          channelAccessToken: fake.channelAccessToken,
          channelSecret,
          apiBaseUrl: fake.url,
          dmPolicy: 'open',
          allowFrom: ['*'],
        },
      },
      sendDirectMessage: async (user, text) => {
        const event = messageEvent({ type: 'user', userId: userId(user) }, { type: 'text', text });
        fake.issueReplyToken(event.replyToken);
        replyTokenOwner.set(event.replyToken, userId(user));
        // Before the account has registered its webhook the gateway answers 404: the
        // runner sends warm-up messages until one is answered.
        await sendWebhook(`${gatewayUrl}/line/webhook`, channelSecret, [event]).catch(() => 0);
      },
      repliesTo: (user) =>
        fake.sent
          .filter(
            (sent) =>
              sent.to === userId(user) ||
              (sent.replyToken !== undefined &&
                replyTokenOwner.get(sent.replyToken) === userId(user)),
          )
          .map((sent) => sent.message.text ?? ''),
      close: () => fake.close(),
    };
  },
};
