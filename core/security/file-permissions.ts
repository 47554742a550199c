/**
 * Files that hold secrets — clawdbot.json and everything under credentials/ — are the
 * owner's alone (0600, directories 0700). Start-up warns and `security audit --fix`
 * repairs when they are readable by others.
 */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../paths.js';

/** A secret-holding path whose mode lets group or others in. */
export interface LoosePermission {
  path: string;
  /** The current permission bits, e.g. 0o644. */
  mode: number;
  /** What it should be: 0o600 for files, 0o700 for directories. */
  expected: number;
}

function modeOf(path: string): { mode: number; directory: boolean } | undefined {
  try {
    const stats = statSync(path);
    return { mode: stats.mode & 0o777, directory: stats.isDirectory() };
  } catch {
    return undefined; // absent: nothing to protect
  }
}

/** clawdbot.json, credentials/ and every file below it. */
function secretPaths(paths: StatePaths): string[] {
  const credentials = join(paths.stateDir, 'credentials');
  const found = [paths.configFile, credentials];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      found.push(path);
      if (modeOf(path)?.directory) walk(path);
    }
  };
  walk(credentials);
  return found;
}

/** Secret-holding paths readable (or writable) by group or others. */
export function loosePermissions(paths: StatePaths): LoosePermission[] {
  return secretPaths(paths).flatMap((path) => {
    const found = modeOf(path);
    if (!found || (found.mode & 0o077) === 0) return [];
    return [{ path, mode: found.mode, expected: found.directory ? 0o700 : 0o600 }];
  });
}

/** Tighten every loose path; returns those changed. */
export function fixPermissions(paths: StatePaths): LoosePermission[] {
  const loose = loosePermissions(paths);
  for (const entry of loose) chmodSync(entry.path, entry.expected);
  return loose;
}

/** `0o644` as "644". */
export function octal(mode: number): string {
  return mode.toString(8).padStart(3, '0');
}
