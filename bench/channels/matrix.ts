/**
 * Matrix for `npm run bench:channels`: a real Dendrite (scripts/install-dendrite) in a temp
 * dir; each bench user is an account with a direct room to the bot, reading the bot's
 * replies from its own /sync stream. Users are set up on their first message, so the
 * "chats at once" figure includes creating each account and its direct room (seconds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMatrixUser, startDendrite } from '../../test/helpers/dendrite.js';
import { MatrixPerson } from '../../test/helpers/matrix-person.js';
import type { BenchDriver } from './driver.js';

interface SyncBody {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: { sender: string; type: string; content: { body?: string } }[] } }
    >;
  };
}

/** The Matrix bench driver. */
export const driver: BenchDriver = {
  name: 'matrix',
  async start() {
    const dir = mkdtempSync(join(tmpdir(), 'clawdbot-bench-dendrite-'));
    const dendrite = await startDendrite(dir);
    const bot = await createMatrixUser(dendrite, 'benchbot');
    const stopping = new AbortController();
    const people = new Map<
      number,
      Promise<{ person: MatrixPerson; room: string; replies: string[] }>
    >();

    /** Follow the person's sync, keeping the bot's messages in their room. */
    const follow = async (person: MatrixPerson, room: string, replies: string[]) => {
      let since: string | undefined;
      while (!stopping.signal.aborted) {
        const query = since ? `?since=${encodeURIComponent(since)}&timeout=10000` : '?timeout=0';
        const body = await person.api<SyncBody>('GET', `/sync${query}`).catch(() => undefined);
        if (!body) continue;
        since = body.next_batch;
        for (const event of body.rooms?.join?.[room]?.timeline?.events ?? []) {
          if (event.sender === bot.userId && event.type === 'm.room.message') {
            replies.push(event.content.body ?? '');
          }
        }
      }
    };
    const personOf = (index: number) => {
      let entry = people.get(index);
      if (!entry) {
        entry = (async () => {
          const person = new MatrixPerson(
            dendrite,
            await createMatrixUser(dendrite, `bench${index}`),
          );
          const room = await person.createDirectRoom(bot.userId);
          await person.waitForJoin(room, bot.userId);
          const replies: string[] = [];
          void follow(person, room, replies);
          return { person, room, replies };
        })();
        people.set(index, entry);
      }
      return entry;
    };
    const known = new Map<number, string[]>();
    return {
      channels: {
        matrix: {
          homeserver: dendrite.url,
          userId: bot.userId,
          accessToken: bot.accessToken,
          dmPolicy: 'open',
          allowFrom: ['*'],
        },
      },
      sendDirectMessage: async (user, text) => {
        const { person, room, replies } = await personOf(user);
        known.set(user, replies);
        await person.say(room, text);
      },
      repliesTo: (user) => known.get(user) ?? [],
      close: async () => {
        stopping.abort();
        await dendrite.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
