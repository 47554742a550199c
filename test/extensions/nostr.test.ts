// Nostr end to end: the nostr plugin against two NIP-01 relays on 127.0.0.1
// (test/fakes/nostr-relay), the real gateway with its channel manager and delivery worker,
// the agent worker, Temporal and the scripted LLM, all in this process. Users are
// nostr-tools keys publishing NIP-04 and NIP-17 DMs to the relays, as a client would.
import type { Event as NostrEvent } from 'nostr-tools/core';
import * as nip04 from 'nostr-tools/nip04';
import * as nip17 from 'nostr-tools/nip17';
import { npubEncode, nsecEncode } from 'nostr-tools/nip19';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nostrChannel } from '../../extensions/nostr/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeNostrRelay, type FakeNostrRelay } from '../fakes/nostr-relay/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

interface User {
  secretKey: Uint8Array;
  publicKey: string;
}
const newUser = (): User => {
  const secretKey = generateSecretKey();
  return { secretKey, publicKey: getPublicKey(secretKey) };
};
const bot = newUser();
const alice = newUser();
const bob = newUser();
const stranger = newUser();

let llm: FakeLlmServer;
let relayA: FakeNostrRelay;
let relayB: FakeNostrRelay;
let harness: ChannelGatewayHarness;

const now = () => Math.floor(Date.now() / 1000);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const taggedTo = (event: NostrEvent, user: User) =>
  event.tags.some((tag) => tag[0] === 'p' && tag[1] === user.publicKey);

/** The bot's NIP-04 replies to `user` on `relay`, decrypted. */
const nip04Replies = (relay: FakeNostrRelay, user: User) =>
  relay.events
    .filter((event) => event.kind === 4 && event.pubkey === bot.publicKey && taggedTo(event, user))
    .map((event) => ({ event, text: nip04.decrypt(user.secretKey, bot.publicKey, event.content) }));

/** The bot's NIP-17 replies to `user` on `relay`, unwrapped. */
const nip17Replies = (relay: FakeNostrRelay, user: User) =>
  relay.events
    .filter((event) => event.kind === 1059 && taggedTo(event, user))
    .map((event) => ({ event, rumor: nip17.unwrapEvent(event, user.secretKey) }))
    .filter(({ rumor }) => rumor.pubkey === bot.publicKey);

const sendNip04 = (from: User, text: string): NostrEvent =>
  finalizeEvent(
    {
      kind: 4,
      created_at: now(),
      tags: [['p', bot.publicKey]],
      content: nip04.encrypt(from.secretKey, bot.publicKey, text),
    },
    from.secretKey,
  );

type Status = { accountId: string; connected: boolean; lastError?: string; botName?: string };
const status = async () =>
  ((await harness.call('channels.status', { channel: 'nostr' })) as { accounts: Status[] })
    .accounts[0]!;
async function waitForStatus(check: (status: Status) => boolean): Promise<Status> {
  for (;;) {
    const current = await status();
    if (check(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  relayA = await startFakeNostrRelay();
  relayB = await startFakeNostrRelay();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [nostrChannel],
    config: {
      agent: { id: 'nostrmain' },
      session: { dmScope: 'per-channel-peer' },
    },
    channels: {
      nostr: {
        privateKey: nsecEncode(bot.secretKey),
        relays: [relayA.url, relayB.url],
        // One written as npub, one as hex: both must work.
        allowFrom: [npubEncode(alice.publicKey), bob.publicKey],
        profile: { name: 'clawd', about: 'a test bot' },
      },
    },
  });
  await relayA.waitFor(() => relayA.subscriptions().length > 0);
  await relayB.waitFor(() => relayB.subscriptions().length > 0);
});

afterAll(async () => {
  await harness?.close();
  await relayA?.close();
  await relayB?.close();
  await llm?.close();
});

describe('nostr plugin, end to end', () => {
  it('publishes its profile (kind 0) to every relay on start', async () => {
    for (const relay of [relayA, relayB]) {
      const profile = await relay.waitFor(() =>
        relay.events.find((event) => event.kind === 0 && event.pubkey === bot.publicKey),
      );
      expect(JSON.parse(profile.content)).toEqual({ name: 'clawd', about: 'a test bot' });
    }
  });

  it('answers a NIP-04 DM seen on two relays once, in NIP-04, on every relay', async () => {
    const dm = sendNip04(alice, 'hello over nip04');
    relayA.publish(dm);
    relayB.publish(dm);
    for (const relay of [relayA, relayB]) {
      const [reply] = await relay.waitFor(() => {
        const replies = nip04Replies(relay, alice);
        return replies.length > 0 && replies;
      });
      expect(reply!.text).toBe('echo: hello over nip04');
      expect(reply!.event.tags).toContainEqual(['e', dm.id, '', 'reply']);
    }
    expect(llmSaw('hello over nip04')).toHaveLength(1);
    expect(nip04Replies(relayA, alice)).toHaveLength(1);
    expect(nip17Replies(relayA, alice)).toHaveLength(0);
  });

  it('answers a NIP-17 private DM in NIP-17 (gift-wrapped kind 14), once', async () => {
    const wrap = nip17.wrapEvent(bob.secretKey, { publicKey: bot.publicKey }, 'hello over nip17');
    relayA.publish(wrap);
    relayB.publish(wrap);
    for (const relay of [relayA, relayB]) {
      const [reply] = await relay.waitFor(() => {
        const replies = nip17Replies(relay, bob);
        return replies.length > 0 && replies;
      });
      expect(reply!.rumor).toMatchObject({ kind: 14, content: 'echo: hello over nip17' });
      expect(reply!.rumor.tags).toContainEqual(['p', bob.publicKey]);
    }
    expect(llmSaw('hello over nip17')).toHaveLength(1);
    expect(nip04Replies(relayA, bob)).toHaveLength(0);
  });

  it('gives an unknown sender a pairing code and no turn', async () => {
    relayB.publish(sendNip04(stranger, 'who are you'));
    const [reply] = await relayB.waitFor(() => {
      const replies = nip04Replies(relayB, stranger);
      return replies.length > 0 && replies;
    });
    expect(reply!.text).toContain('Pairing code:');
    expect(reply!.text).toContain(`nostrPubkey: ${stranger.publicKey}`);
    expect(llmSaw('who are you')).toHaveLength(0);
  });

  it('reports a dropped relay and, reconnected, answers what it got meanwhile', async () => {
    relayA.refuseConnections(true);
    relayA.dropConnections();
    await relayA.waitFor(() => relayA.connections() === 0);
    const down = await waitForStatus((current) => current.lastError?.includes(relayA.url) ?? false);
    // The other relay still serves the account.
    expect(down.connected).toBe(true);
    // Only relay A ever sees this DM, and only while the bot is away from it.
    const wrap = nip17.wrapEvent(
      alice.secretKey,
      { publicKey: bot.publicKey },
      'sent during the outage',
    );
    relayA.publish(wrap);
    relayA.refuseConnections(false);
    const [reply] = await relayA.waitFor(() => {
      const replies = nip17Replies(relayA, alice);
      return replies.length > 0 && replies;
    });
    expect(reply!.rumor.content).toBe('echo: sent during the outage');
    expect(llmSaw('sent during the outage')).toHaveLength(1);
  });

  it('after a gateway restart answers what came meanwhile, and nothing answered before', async () => {
    await harness.stopRuntime();
    relayB.publish(sendNip04(alice, 'written while the gateway was down'));
    await harness.restart();
    const replies = await relayB.waitFor(() => {
      const got = nip04Replies(relayB, alice).filter((reply) => reply.text.includes('was down'));
      return got.length > 0 && got;
    });
    expect(replies.map((reply) => reply.text)).toEqual([
      'echo: written while the gateway was down',
    ]);
    // The relays still hold every earlier DM: none of them started a second turn.
    expect(llmSaw('hello over nip04')).toHaveLength(1);
    expect(llmSaw('hello over nip17')).toHaveLength(1);
    expect(llmSaw('sent during the outage')).toHaveLength(1);
  });
});
