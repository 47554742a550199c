// The Discord bench driver: the fake Discord (test/fakes/discord) that the real discord.js
// connects to; each bench user is a Discord user with a DM channel of their own.
import type { APIUser } from 'discord.js';
import { startDiscordFake } from '../../test/fakes/discord/server.js';
import type { BenchDriver } from './driver.js';

/** Bench users as Discord users writing to the bot in their own DM channels. */
export const driver: BenchDriver = {
  name: 'discord',
  async start() {
    const fake = await startDiscordFake();
    const users: { user: APIUser; dmChannelId: string }[] = [];
    const userAt = (index: number) => {
      while (users.length <= index) {
        const user = fake.addUser(`bench-user-${users.length}`);
        users.push({ user, dmChannelId: fake.dmChannel(user).id });
      }
      return users[index]!;
    };
    return {
      channels: {
        discord: { token: fake.token, apiBase: fake.apiBase, dmPolicy: 'open', allowFrom: ['*'] },
      },
      sendDirectMessage(index, text) {
        const { user, dmChannelId } = userAt(index);
        fake.userMessage({ channelId: dmChannelId, author: user, content: text });
        return Promise.resolve();
      },
      repliesTo(index) {
        const channelId = users[index]?.dmChannelId;
        return fake.sent.filter((sent) => sent.channelId === channelId).map((sent) => sent.content);
      },
      close: () => fake.close(),
    };
  },
};
