/**
 * "Is this binary on PATH?", asked for every skill on every turn. Answers are kept until
 * PATH itself or one of its folders changes (installing a program changes its folder's
 * modification time), so a tool installed between two turns is seen on the next one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A PATH lookup with its own cache (one per catalog; no module state). */
export interface BinLookup {
  /** Drop the answers if PATH or one of its folders changed (once per catalog check). */
  refresh(): void;
  /** PATH and its folders' change times as of the last refresh: the answers hold while it does. */
  stamp(): string;
  has(name: string): boolean;
}

function folderStamp(dirs: readonly string[]): string {
  return dirs
    .map((dir) => {
      try {
        return String(statSync(dir).mtimeMs);
      } catch {
        return '-';
      }
    })
    .join('|');
}

/** Look binaries up on `env().PATH`. */
export function createBinLookup(env: () => NodeJS.ProcessEnv): BinLookup {
  let stamp = '';
  let dirs: string[] = [];
  let answers = new Map<string, boolean>();
  const refresh = () => {
    const path = env().PATH ?? '';
    const now = path.split(delimiter).filter((dir) => dir !== '');
    const next = `${path}\n${folderStamp(now)}`;
    if (next === stamp) return;
    stamp = next;
    dirs = now;
    answers = new Map();
  };
  return {
    refresh,
    stamp: () => stamp,
    has(name) {
      if (stamp === '') refresh();
      const known = answers.get(name);
      if (known !== undefined) return known;
      const found = dirs.some((dir) => {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return statSync(join(dir, name)).isFile();
        } catch {
          return false;
        }
      });
      answers.set(name, found);
      return found;
    },
  };
}
