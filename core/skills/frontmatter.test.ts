import { describe, expect, it } from 'vitest';
import { ClawdbotError } from '../errors.js';
import { parseSkillManifest } from './frontmatter.js';

const body = '\n# Tool\n\nUse it.\n';

function skill(frontmatter: string): string {
  return `---\n${frontmatter}\n---\n${body}`;
}

function errorOf(text: string): ClawdbotError {
  try {
    parseSkillManifest(text, '/skills/x/SKILL.md');
  } catch (error) {
    if (error instanceof ClawdbotError) return error;
    throw error;
  }
  throw new Error('expected the parse to fail');
}

describe('parseSkillManifest', () => {
  it('reads a bundled skill with clawdbot metadata and applies defaults', () => {
    const manifest = parseSkillManifest(
      skill(
        [
          'name: gh-tool',
          'description: Work with GitHub from the shell.',
          'homepage: https://cli.github.com',
          'metadata: {"clawdbot":{"emoji":"🐙","requires":{"bins":["gh"]},"install":[{"id":"apt","kind":"apt","package":"gh","bins":["gh"]}]}}',
        ].join('\n'),
      ),
      'SKILL.md',
    );
    expect(manifest).toMatchObject({
      name: 'gh-tool',
      homepage: 'https://cli.github.com',
      userInvocable: true,
      disableModelInvocation: false,
      metadataKey: 'clawdbot',
      metadata: {
        emoji: '🐙',
        requires: { bins: ['gh'], anyBins: [], env: [], config: [] },
        install: [{ kind: 'apt', package: 'gh' }],
      },
    });
    expect(manifest.body).toBe(body);
  });

  it('loads an OpenClaw skill written with metadata.openclaw, and clawdbot wins over it', () => {
    const openclaw = parseSkillManifest(
      skill(
        'name: a\ndescription: d\nuser-invocable: false\nmetadata: {"openclaw":{"os":["darwin"],"always":true}}',
      ),
      'SKILL.md',
    );
    expect(openclaw).toMatchObject({
      metadataKey: 'openclaw',
      userInvocable: false,
      metadata: { os: ['darwin'], always: true },
    });
    const both = parseSkillManifest(
      skill(
        'name: a\ndescription: d\nmetadata: {"moltbot":{"emoji":"m"},"openclaw":{"emoji":"o"},"clawdbot":{"emoji":"c"}}',
      ),
      'SKILL.md',
    );
    expect(both.metadata.emoji).toBe('c');
    const molt = parseSkillManifest(
      skill(`name: a\ndescription: d\nmetadata: '{"moltbot":{"primaryEnv":"KEY"}}'`),
      'SKILL.md',
    );
    expect(molt.metadata.primaryEnv).toBe('KEY');
  });

  it('names the file and field of each defect with the SKILL_INVALID code', () => {
    const missing = errorOf(skill('description: d'));
    expect(missing.code).toBe('SKILL_INVALID');
    expect(missing.message).toContain('/skills/x/SKILL.md: name:');
    const unknown = errorOf(
      skill('name: a\ndescription: d\nmetadata: {"clawdbot":{"requires":{"bin":["gh"]}}}'),
    );
    expect(unknown.message).toContain('metadata.clawdbot.requires');
    expect(unknown.message).toContain('bin');
    const kind = errorOf(
      skill('name: a\ndescription: d\nmetadata: {"openclaw":{"install":[{"kind":"pip"}]}}'),
    );
    expect(kind.message).toContain('metadata.openclaw.install.0.kind');
    expect(errorOf(`# no frontmatter${body}`).message).toContain('(frontmatter)');
    expect(errorOf('---\nname: [a\n---\n').message).toContain('not valid YAML');
    expect(errorOf(skill('name: a\ndescription: d\nmetadata: "{oops"')).message).toContain(
      'metadata: not valid JSON',
    );
  });
});
