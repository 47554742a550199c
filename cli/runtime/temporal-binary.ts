import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ClawdbotError } from '../../core/errors.js';
import { localTemporalBinary } from '../../core/paths.js';

/** The temporal CLI to run: CLAWDBOT_TEMPORAL_BIN, else .tools/bin/temporal, else `temporal` on PATH. */
export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.CLAWDBOT_TEMPORAL_BIN, localTemporalBinary, 'temporal'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const candidate of candidates) {
    if (candidate.includes('/') && !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

/** Like findTemporalBinary, but a missing binary is an error telling the user how to get one. */
export function requireTemporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  const binary = findTemporalBinary(env);
  if (binary) return binary;
  throw new ClawdbotError(
    'TEMPORAL_NOT_INSTALLED',
    'No working Temporal CLI found (tried $CLAWDBOT_TEMPORAL_BIN, .tools/bin/temporal and PATH). ' +
      'Run scripts/install-temporal (npm start does it for you), or pass --temporal-address host:port ' +
      'to use a Temporal server you already run.',
  );
}

/** `temporal --version` output, first line. */
export function temporalVersion(binary: string): string {
  return spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
}
