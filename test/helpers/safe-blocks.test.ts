import { describe, expect, it } from 'vitest';
import { commandWords, safeBlocks } from './safe-blocks.js';

describe('safe block scanning', () => {
  it('finds only bash safe fences', () => {
    const text = ['```bash', 'rm -rf x', '```', '```bash safe', 'jq --version', '```'].join('\n');
    expect(safeBlocks(text)).toEqual([{ index: 1, line: 4, script: 'jq --version' }]);
  });

  it('names the programs a script starts, not words inside quotes or loop variables', () => {
    const script = [
      'D="$(mktemp -d)" && printf "%s" x > "$D/a"',
      `jq -r 'select(.a) | .b' "$D/a" | head -1`,
      'for _ in $(seq 1 3); do sleep 0.1; done',
      'if command -v spogo >/dev/null; then spogo --help; else X=1 spotify_player --help; fi',
      'ffmpeg -i in \\',
      '  out.png; rm -rf "$D"',
    ].join('\n');
    expect(commandWords(script)).toEqual([
      'ffmpeg',
      'head',
      'jq',
      'mktemp',
      'rm',
      'seq',
      'sleep',
      'spogo',
      'spotify_player',
    ]);
  });
});
