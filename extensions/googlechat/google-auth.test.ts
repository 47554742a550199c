import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../test/fakes/googlechat/server.js';
import { ChatApi, requestIdOf } from './chat-api.js';
import { googlechatAccountSchema, loadServiceAccount } from './config.js';
import { ServiceAccountTokens } from './service-account-token.js';
import { chatRequestVerifier } from './verify-request.js';

// The Google side of the channel without the gateway: the ID token of the "HTTP endpoint
// URL" audience (the end-to-end test uses the project-number one), the service account's
// token grant, and `requestId` keeping a retried create to one message.

let fake: FakeGoogleChat;
const appUrl = 'https://bot.example.com/googlechat/webhook';

beforeAll(async () => {
  fake = await startFakeGoogleChat();
});
afterAll(async () => {
  await fake?.close();
});

describe('Google Chat request verification, app URL audience', () => {
  const verifier = () =>
    chatRequestVerifier({ audienceType: 'app-url', audience: appUrl, certsUrl: fake.certsUrl });

  it("accepts Chat's ID token for the app URL", async () => {
    const token = fake.signEventToken({ audienceType: 'app-url', audience: appUrl });
    await expect(verifier()(`Bearer ${token}`)).resolves.toBeUndefined();
  });

  it('refuses an ID token of another Google account, another URL, or a project-number JWT', async () => {
    const verify = verifier();
    const otherAccount = fake.signEventToken({
      audienceType: 'app-url',
      audience: appUrl,
      email: 'someone@example.iam.gserviceaccount.com',
    });
    await expect(verify(`Bearer ${otherAccount}`)).rejects.toThrow(/not chat@system/);
    const otherUrl = fake.signEventToken({ audienceType: 'app-url', audience: 'https://x.test/' });
    await expect(verify(`Bearer ${otherUrl}`)).rejects.toThrow(/audience/);
    const wrongKind = fake.signEventToken({ audienceType: 'project-number', audience: appUrl });
    await expect(verify(`Bearer ${wrongKind}`)).rejects.toThrow(/issuer/);
    await expect(verify(undefined)).rejects.toThrow(/no bearer token/);
  });
});

describe('service account token and message creation', () => {
  it('gets one access token by the JWT bearer grant and reuses it', async () => {
    const tokens = new ServiceAccountTokens(fake.serviceAccount, fake.tokenUrl);
    const before = fake.tokenRequests.length;
    const [first, second] = await Promise.all([tokens.token(), tokens.token()]);
    expect(first).toMatch(/^ya29\./);
    expect(second).toBe(first);
    expect(fake.tokenRequests.slice(before)).toEqual([expect.objectContaining({ granted: true })]);
  });

  it('reads the key file Google Cloud gives, and names a file that is not one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'googlechat-key-'));
    const keyFile = join(dir, 'key.json');
    await writeFile(keyFile, JSON.stringify({ ...fake.serviceAccount, project_id: 'p' }));
    const account = googlechatAccountSchema.parse({ serviceAccountFile: keyFile, audience: '1' });
    expect(await loadServiceAccount(account)).toMatchObject({
      client_email: fake.serviceAccount.client_email,
    });
    const notKey = join(dir, 'other.json');
    await writeFile(notKey, JSON.stringify({ hello: 'world' }));
    await expect(
      loadServiceAccount(googlechatAccountSchema.parse({ serviceAccountFile: notKey })),
    ).rejects.toThrow(/other\.json is not a service account key: client_email/);
  });

  it('says why when the token endpoint refuses the key', async () => {
    const tokens = new ServiceAccountTokens(
      { ...fake.serviceAccount, client_email: 'impostor@example.iam.gserviceaccount.com' },
      fake.tokenUrl,
    );
    await expect(tokens.token()).rejects.toThrow(/Invalid issuer/);
  });

  it('creates one message for two creates with the same request id', async () => {
    const api = new ChatApi(
      fake.apiBaseUrl,
      new ServiceAccountTokens(fake.serviceAccount, fake.tokenUrl),
    );
    const requestId = requestIdOf('run-1:0');
    const first = await api.createMessage({ space: 'spaces/idem', text: 'once', requestId });
    const again = await api.createMessage({ space: 'spaces/idem', text: 'once', requestId });
    expect(again.name).toBe(first.name);
    expect(fake.sent.filter((sent) => sent.space === 'spaces/idem')).toHaveLength(1);
    expect(requestIdOf('run-1:1')).not.toBe(requestId);
  });
});
