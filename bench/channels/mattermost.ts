/**
 * Mattermost for `npm run bench:channels`: the fake REST v4 + WebSocket event stream
 * (test/fakes/mattermost); each bench user has a direct channel with the bot.
 */
import {
  startFakeMattermost,
  type MmChannel,
  type MmUser,
} from '../../test/fakes/mattermost/server.js';
import type { BenchDriver } from './driver.js';

/** The Mattermost bench driver. */
export const driver: BenchDriver = {
  name: 'mattermost',
  async start() {
    const fake = await startFakeMattermost();
    const people = new Map<number, { user: MmUser; channel: MmChannel }>();
    const personOf = (index: number) => {
      let person = people.get(index);
      if (!person) {
        const user = fake.addUser(`user${index}`);
        person = { user, channel: fake.addChannel('D', `${user.id}__${fake.bot.id}`) };
        people.set(index, person);
      }
      return person;
    };
    return {
      channels: {
        mattermost: {
          baseUrl: fake.url,
          botToken: fake.bot.token,
          dmPolicy: 'open',
          allowFrom: ['*'],
        },
      },
      sendDirectMessage: (user, text) => {
        const person = personOf(user);
        fake.userPosts(person.user, person.channel, text);
        return Promise.resolve();
      },
      repliesTo: (user) => fake.botPostsIn(personOf(user).channel.id).map((post) => post.message),
      close: () => fake.close(),
    };
  },
};
