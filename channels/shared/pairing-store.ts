/**
 * DM pairing requests and approved senders, in OpenClaw's files under
 * `<stateDir>/credentials/`: `<channel>-pairing.json` and `<channel>-allowFrom.json`.
 * The gateway (a stranger writes) and the CLI (`pairing approve`) both change these files,
 * possibly at the same moment, so every change holds a per-channel lock file (created
 * with O_EXCL, taken over when older than 10 s: its holder crashed) and replaces the file
 * atomically; readers never see half a file.
 */
import { randomInt } from 'node:crypto';
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { hasErrorCode, KeyedMutex, writeFileAtomic } from '../../core/sessions/fs-util.js';

/** Codes avoid 0/O and 1/I, which people misread when typing them into the CLI. */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Characters in a pairing code. */
export const PAIRING_CODE_LENGTH = 8;
/** A pending request is valid this long. */
export const PAIRING_TTL_MS = 60 * 60 * 1000;
/** Pending requests per channel; more strangers get no code until one is approved or expires. */
export const PAIRING_MAX_PENDING = 3;
/** A lock file older than this belongs to a crashed process. */
export const PAIRING_LOCK_STALE_MS = 10_000;

const requestSchema = z.object({
  id: z.string(),
  code: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  meta: z.record(z.string(), z.string()).default({}),
});
const pairingFileSchema = z.object({ version: z.literal(1), requests: z.array(requestSchema) });
const allowFromFileSchema = z.object({
  version: z.literal(1),
  allowFrom: z.array(z.union([z.string(), z.number()]).transform(String)),
});

/** A sender waiting for approval (times are ISO 8601). */
export type PairingRequest = z.infer<typeof requestSchema>;

/** What `request` answers: the code to send (only when `created`), or that the channel is full. */
export type PairingRequestResult = { code: string; created: boolean } | { full: true };

/** The pairing files of one state dir. */
export interface PairingStore {
  /** Record a pending request for `senderId` (or refresh the existing one). */
  request(
    channel: string,
    senderId: string,
    meta?: Record<string, string>,
  ): Promise<PairingRequestResult>;
  /** Pending, unexpired requests of one channel, or of every channel. */
  list(channel?: string): Promise<(PairingRequest & { channel: string })[]>;
  /** Approve by code: the sender joins allowFrom and the request is removed. */
  approve(channel: string, code: string): Promise<PairingRequest | undefined>;
  /** The ids approved through pairing (merged with the config's allowFrom by the caller). */
  allowFrom(channel: string): Promise<string[]>;
}

/** Where the files live and what time it is (injected in tests). */
export interface PairingStoreOptions {
  stateDir: string;
  now?: () => number;
  /** How long to wait for another process's lock before giving up (default 30 s). */
  lockTimeoutMs?: number;
}

const CHANNEL_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function checkChannel(channel: string): string {
  if (!CHANNEL_ID.test(channel)) {
    throw new ClawdbotError('INVALID_REQUEST', `Invalid channel id "${channel}"`, { channel });
  }
  return channel;
}

/** A fresh code, drawn with a CSPRNG so codes cannot be predicted from earlier ones. */
function newCode(): string {
  let code = '';
  for (let index = 0; index < PAIRING_CODE_LENGTH; index += 1) {
    code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  }
  return code;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Open the pairing store of `stateDir`. */
export function createPairingStore(options: PairingStoreOptions): PairingStore {
  const directory = join(options.stateDir, 'credentials');
  const now = options.now ?? Date.now;
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  // Calls in this process queue here first, so they do not spin on each other's lock file.
  const mutex = new KeyedMutex();
  const pairingFile = (channel: string) => join(directory, `${channel}-pairing.json`);
  const allowFromFile = (channel: string) => join(directory, `${channel}-allowFrom.json`);

  async function withLock<T>(channel: string, task: () => Promise<T>): Promise<T> {
    return mutex.run(channel, async () => {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const lock = join(directory, `${channel}.lock`);
      const deadline = Date.now() + lockTimeoutMs;
      for (;;) {
        try {
          const handle = await open(lock, 'wx');
          await handle.writeFile(`${process.pid}\n`);
          await handle.close();
          break;
        } catch (error) {
          if (!hasErrorCode(error, 'EEXIST')) throw error;
        }
        // Lock age is wall-clock time of the file system, not the injected clock.
        const age = await stat(lock).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        if (age > PAIRING_LOCK_STALE_MS) {
          await unlink(lock).catch(() => undefined);
          continue;
        }
        if (Date.now() > deadline) {
          throw new ClawdbotError('UNAVAILABLE', `The pairing store of ${channel} is locked`, {
            lock,
          });
        }
        await sleep(20 + randomInt(30));
      }
      try {
        return await task();
      } finally {
        await unlink(lock).catch(() => undefined);
      }
    });
  }

  /** Pending requests, expired ones left out (they are dropped at the next write). */
  async function readRequests(channel: string): Promise<PairingRequest[]> {
    const parsed = pairingFileSchema.safeParse(await readJson(pairingFile(channel)));
    // Requests are short-lived: an unreadable file is started afresh rather than fatal.
    const requests = parsed.success ? parsed.data.requests : [];
    return requests.filter((request) => Date.parse(request.createdAt) + PAIRING_TTL_MS > now());
  }

  async function writeRequests(channel: string, requests: PairingRequest[]): Promise<void> {
    await writeFileAtomic(
      pairingFile(channel),
      `${JSON.stringify({ version: 1, requests }, null, 2)}\n`,
      true,
    );
  }

  async function readAllowFrom(channel: string): Promise<string[]> {
    const raw = await readJson(allowFromFile(channel));
    if (raw === undefined) return [];
    const parsed = allowFromFileSchema.safeParse(raw);
    // Approvals are not to be lost silently: a damaged file is reported, not overwritten.
    if (!parsed.success) {
      throw new ClawdbotError(
        'CONFIG_INVALID',
        `${allowFromFile(channel)} is not {"version":1,"allowFrom":[...]}; fix or remove it`,
        { file: allowFromFile(channel) },
      );
    }
    return parsed.data.allowFrom;
  }

  return {
    async request(channel, senderId, meta = {}) {
      checkChannel(channel);
      return withLock(channel, async () => {
        const requests = await readRequests(channel);
        const at = new Date(now()).toISOString();
        const existing = requests.find((request) => request.id === senderId);
        if (existing) {
          existing.lastSeenAt = at;
          existing.meta = { ...existing.meta, ...meta };
          await writeRequests(channel, requests);
          return { code: existing.code, created: false };
        }
        if (requests.length >= PAIRING_MAX_PENDING) return { full: true } as const;
        let code = newCode();
        while (requests.some((request) => request.code === code)) code = newCode();
        requests.push({ id: senderId, code, createdAt: at, lastSeenAt: at, meta });
        await writeRequests(channel, requests);
        return { code, created: true };
      });
    },

    async list(channel) {
      const channels =
        channel !== undefined
          ? [checkChannel(channel)]
          : await readdir(directory).then(
              (names) =>
                names
                  .filter((name) => name.endsWith('-pairing.json'))
                  .map((name) => name.slice(0, -'-pairing.json'.length))
                  .filter((name) => CHANNEL_ID.test(name))
                  .sort(),
              (error: unknown) => {
                if (hasErrorCode(error, 'ENOENT')) return [];
                throw error;
              },
            );
      const lists = await Promise.all(
        channels.map(async (name) =>
          (await readRequests(name)).map((request) => ({ ...request, channel: name })),
        ),
      );
      return lists.flat();
    },

    async approve(channel, code) {
      checkChannel(channel);
      const wanted = code.trim().toUpperCase();
      return withLock(channel, async () => {
        const requests = await readRequests(channel);
        const request = requests.find((each) => each.code === wanted);
        if (!request) return undefined;
        const allowFrom = await readAllowFrom(channel);
        if (!allowFrom.includes(request.id)) allowFrom.push(request.id);
        // allowFrom first: a crash in between leaves an approved sender with a stale
        // request (harmless), never a consumed code without the approval.
        await writeFileAtomic(
          allowFromFile(channel),
          `${JSON.stringify({ version: 1, allowFrom }, null, 2)}\n`,
          true,
        );
        await writeRequests(
          channel,
          requests.filter((each) => each !== request),
        );
        return request;
      });
    },

    async allowFrom(channel) {
      return readAllowFrom(checkChannel(channel));
    },
  };
}
