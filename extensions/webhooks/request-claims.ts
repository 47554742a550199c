/**
 * Which hook requests were already taken, so a redelivery (the sender retrying after a
 * timeout, a queue delivering twice) gets the first run's answer and starts nothing. One
 * small file per request id under `<stateDir>/webhooks/requests/`, created exclusively:
 * two deliveries racing cannot both win. The turn's own message id is derived from the
 * same request id, so even a lost file cannot make a second turn (the session workflow
 * deduplicates message ids).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the first delivery of a request started. */
export interface RequestClaim {
  runId: string;
  sessionKey: string;
  receivedAt: number;
}

/** The claims of one state dir. */
export class RequestClaims {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'webhooks', 'requests');
  }

  /** A stable key for a request id of one hook (hashed: the id comes from outside). */
  static key(hookPath: string, requestId: string): string {
    return createHash('sha256').update(`${hookPath}\0${requestId}`).digest('hex').slice(0, 40);
  }

  /** Claim `key` for `claim`; the earlier claim when one exists. */
  take(key: string, claim: RequestClaim): { first: true } | { first: false; claim: RequestClaim } {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${key}.json`);
    try {
      writeFileSync(file, JSON.stringify(claim), { flag: 'wx' });
      return { first: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return { first: false, claim: JSON.parse(readFileSync(file, 'utf8')) as RequestClaim };
    }
  }

  /** Give a claim back (its turn could not be started: the sender should retry). */
  release(key: string): void {
    rmSync(join(this.dir, `${key}.json`), { force: true });
  }
}
