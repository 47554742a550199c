/**
 * What a Nostr account keeps between runs, in `<stateDir>/credentials/nostr/<account>.json`:
 * the time of the newest DM handed to the agent (a restart asks relays from there, so DMs
 * sent while the gateway was down are answered, and older ones are not answered again) and
 * the protocol each peer last wrote in (a reply after a restart still matches it).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const stateSchema = z.object({
  /** created_at (seconds) of the newest DM handed over. */
  newestAt: z.number().int().nonnegative().optional(),
  peers: z.record(z.string(), z.enum(['nip04', 'nip17'])).default({}),
});

/** The stored state of one account. */
export type NostrState = z.infer<typeof stateSchema>;

/** Reads and writes one account's state file (in memory only without a state dir). */
export interface NostrStateFile {
  load(): Promise<NostrState>;
  save(state: NostrState): Promise<void>;
}

/** The state file of `accountId` under `stateDir`. */
export function nostrStateFile(stateDir: string | undefined, accountId: string): NostrStateFile {
  if (stateDir === undefined) {
    let kept: NostrState = { peers: {} };
    return {
      load: () => Promise.resolve(kept),
      save: (state) => {
        kept = state;
        return Promise.resolve();
      },
    };
  }
  const path = join(stateDir, 'credentials', 'nostr', `${accountId}.json`);
  return {
    async load() {
      try {
        const parsed = stateSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
        // A damaged file starts over from now rather than stopping the account.
        return parsed.success ? parsed.data : { peers: {} };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { peers: {} };
        throw error;
      }
    },
    async save(state) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}
