import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ClawdbotError } from '../../core/errors.js';
import { localTemporalBinary } from '../../core/paths.js';

/** An existing regular file we may execute. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the PATH folders, as the shell would pick it. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    const path = join(folder, name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

/**
 * The temporal CLI to run: CLAWDBOT_TEMPORAL_BIN, else .tools/bin/temporal, else `temporal`
 * on PATH. An executable file is enough: running `temporal --version` to be sure cost
 * ~160 ms of every gateway start, and a binary that exists but cannot run still fails
 * clearly when the dev server is started (TEMPORAL_START_FAILED names its path).
 */
export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.CLAWDBOT_TEMPORAL_BIN, localTemporalBinary, 'temporal'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const candidate of candidates) {
    const found = candidate.includes('/')
      ? isExecutableFile(candidate)
        ? candidate
        : undefined
      : onPath(candidate, env);
    if (found) return found;
  }
  return undefined;
}

/** Like findTemporalBinary, but a missing binary is an error telling the user how to get one. */
export function requireTemporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  const binary = findTemporalBinary(env);
  if (binary) return binary;
  throw new ClawdbotError(
    'TEMPORAL_NOT_INSTALLED',
    'No Temporal CLI found (tried $CLAWDBOT_TEMPORAL_BIN, .tools/bin/temporal and PATH). ' +
      'Run scripts/install-temporal (npm start does it for you), or pass --temporal-address host:port ' +
      'to use a Temporal server you already run.',
  );
}

/** `temporal --version` output, first line, or why the binary did not run (doctor shows it). */
export function temporalVersion(binary: string): string {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status === 0) return probe.stdout.split('\n')[0] ?? '';
  const why = probe.error?.message ?? probe.stderr.trim().split('\n')[0] ?? '';
  return `does not run: ${why || `exit code ${probe.status ?? probe.signal}`}`;
}
