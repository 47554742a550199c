/**
 * Telegram for `npm run bench:channels`: the fake Bot API (test/fakes/telegram) with the
 * real grammy channel long polling it; each bench user is a private chat of its own.
 */
import { startFakeTelegram } from '../../test/fakes/telegram/server.js';
import type { BenchDriver } from './driver.js';

/** Bench user n's Telegram user id (= its private chat's id). */
const userId = (user: number) => 700_000 + user;

/** The Telegram bench driver. */
export const driver: BenchDriver = {
  name: 'telegram',
  async start() {
    const fake = await startFakeTelegram();
    return {
      channels: {
        telegram: {
          botToken: fake.token,
          apiRoot: fake.apiRoot,
          dmPolicy: 'open',
          allowFrom: ['*'],
        },
      },
      sendDirectMessage: (user, text) => {
        fake.userSends({ from: { id: userId(user), first_name: `User ${user}` }, text });
        return Promise.resolve();
      },
      repliesTo: (user) =>
        fake.sent
          .filter((sent) => sent.method === 'sendMessage' && sent.chatId === userId(user))
          .map((sent) => sent.text ?? ''),
      close: () => fake.close(),
    };
  },
};
