/**
 * What a Matrix account keeps between runs, in `<stateDir>/credentials/matrix/<account>.json`:
 * the session a password login created (so a restart does not pile up devices) and the
 * sync `since` token, written only after the messages of that sync were handed over.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const stateSchema = z.object({
  userId: z.string(),
  /** From a password login; absent when the config gives the access token. */
  accessToken: z.string().optional(),
  deviceId: z.string().optional(),
  /** `next_batch` of the last sync whose messages all reached the runtime. */
  since: z.string().optional(),
});

/** The stored state of one account. */
export type MatrixState = z.infer<typeof stateSchema>;

/** Reads and writes one account's state file. */
export interface MatrixStateFile {
  path: string;
  load(): Promise<MatrixState | undefined>;
  save(state: MatrixState): Promise<void>;
}

/** The state file of `accountId` under `stateDir` (in memory only without a state dir). */
export function matrixStateFile(stateDir: string | undefined, accountId: string): MatrixStateFile {
  if (stateDir === undefined) {
    let kept: MatrixState | undefined;
    return {
      path: '(memory)',
      load: () => Promise.resolve(kept),
      save: (state) => {
        kept = state;
        return Promise.resolve();
      },
    };
  }
  const path = join(stateDir, 'credentials', 'matrix', `${accountId}.json`);
  return {
    path,
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = stateSchema.safeParse(JSON.parse(text));
      // A damaged file is started over (a new login, no since token) rather than fatal.
      return parsed.success ? parsed.data : undefined;
    },
    async save(state) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Write then rename: a crash mid-write leaves the previous token, never half a file.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}
