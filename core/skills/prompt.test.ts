import { describe, expect, it } from 'vitest';
import { installPlans } from './install.js';
import { formatSkillsPrompt, parseSlashCommand } from './prompt.js';

describe('parseSlashCommand', () => {
  it('reads /name args, /name@bot args and a bare /name; anything else is not a command', () => {
    expect(parseSlashCommand('/weather Paris tomorrow')).toEqual({
      name: 'weather',
      args: 'Paris tomorrow',
    });
    expect(parseSlashCommand('/Weather@clawd_bot Oslo')).toEqual({ name: 'weather', args: 'Oslo' });
    expect(parseSlashCommand('  /github\n  list my PRs')).toEqual({
      name: 'github',
      args: 'list my PRs',
    });
    expect(parseSlashCommand('/tmp/file.txt is broken')).toBeUndefined();
    expect(parseSlashCommand('weather /now')).toBeUndefined();
  });
});

describe('formatSkillsPrompt', () => {
  it('escapes what the model must not read as markup, and is empty without skills', () => {
    const text = formatSkillsPrompt([
      { name: 'a&b', description: 'Use <this> "now"', location: '/s/a&b/SKILL.md' },
    ]);
    expect(text).toContain(
      '<skill><name>a&amp;b</name><description>Use &lt;this&gt; &quot;now&quot;</description><location>/s/a&amp;b/SKILL.md</location></skill>',
    );
    expect(formatSkillsPrompt([])).toBe('');
  });
});

describe('installPlans', () => {
  const host = (bins: string[], platform: NodeJS.Platform = 'linux', isRoot = false) => ({
    platform,
    isRoot,
    hasBin: (name: string) => bins.includes(name),
  });

  it('builds the command of each installer kind, and says why one does not apply', () => {
    const plans = installPlans(
      [
        { kind: 'brew', formula: 'gh' },
        { kind: 'node', package: 'clawdhub' },
        { kind: 'go', module: 'github.com/x/tool/cmd/tool' },
        { kind: 'uv', package: 'nano-pdf' },
        { kind: 'apt', package: 'gh' },
        { kind: 'download', url: 'https://example.com/t.tar.gz', extract: true },
        { kind: 'brew', formula: 'memo', os: ['darwin'] },
      ],
      host(['npm', 'go', 'uv', 'apt-get']),
    );
    expect(plans.map((plan) => plan.command ?? plan.note)).toEqual([
      'brew is not installed here; run by hand: brew install gh',
      ['npm', 'install', '--global', 'clawdhub'],
      ['go', 'install', 'github.com/x/tool/cmd/tool@latest'],
      ['uv', 'tool', 'install', 'nano-pdf'],
      ['sudo', 'apt-get', 'install', '--yes', 'gh'],
      'download https://example.com/t.tar.gz, extract it and put its binaries on your PATH',
      'only for darwin',
    ]);
    expect(
      installPlans([{ kind: 'apt', package: 'jq' }], host(['apt-get'], 'linux', true))[0]!.command,
    ).toEqual(['apt-get', 'install', '--yes', 'jq']);
  });
});
