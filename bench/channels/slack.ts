// Slack's driver for `npm run bench:channels`: the fake Slack (Socket Mode), one DM
// conversation per bench user, replies read from the fake's record of chat.postMessage.
import { startFakeSlack } from '../../test/fakes/slack/server.js';
import type { BenchDriver } from './driver.js';

/** Bench user n is Slack user UBENCH<n> in the DM DBENCH<n>. */
const userOf = (user: number) => `UBENCH${user}`;
const chatOf = (user: number) => `DBENCH${user}`;

/** Drives the real @slack/bolt plugin through the fake Slack. */
export const driver: BenchDriver = {
  name: 'slack',
  async start() {
    const slack = await startFakeSlack();
    const replies = new Map<string, string[]>();
    let seen = 0;
    // The sent log only grows: index it by chat as it does, so polling stays cheap.
    const refresh = () => {
      for (; seen < slack.sent.length; seen++) {
        const entry = slack.sent[seen];
        if (entry?.method !== 'chat.postMessage') continue;
        replies.set(entry.channel, [...(replies.get(entry.channel) ?? []), entry.text]);
      }
    };
    return {
      channels: {
        slack: {
          botToken: slack.identity.botToken,
          appToken: slack.identity.appToken,
          apiUrl: slack.apiUrl,
          dmPolicy: 'open',
          allowFrom: ['*'],
        },
      },
      sendDirectMessage(user, text) {
        const id = userOf(user);
        if (!slack.workspace.conversations.has(chatOf(user))) {
          slack.addUser(id, `bench user ${user}`);
          slack.addConversation({ id: chatOf(user), type: 'im', name: id });
        }
        slack.userMessage({ channel: chatOf(user), user: id, text });
        return Promise.resolve();
      },
      repliesTo(user) {
        refresh();
        return replies.get(chatOf(user)) ?? [];
      },
      close: () => slack.close(),
    };
  },
};
