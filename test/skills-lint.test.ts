import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintSkillsDir, type SkillLintRule } from '../core/skills/lint.js';

const repoSkills = resolve(import.meta.dirname, '..', 'skills');
const root = mkdtempSync(join(tmpdir(), 'clawdbot-skills-lint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const goodBody = Array.from({ length: 45 }, (_, index) => `Step ${index + 1}: run the tool.`);

/** Write one skill folder under a fresh skills dir and lint that dir. */
function lintOne(
  folder: string,
  options: { frontmatter?: string[]; body?: string[]; raw?: string } = {},
) {
  const dir = mkdtempSync(join(root, 'case-'));
  mkdirSync(join(dir, folder));
  const frontmatter = options.frontmatter ?? [`name: ${folder}`, 'description: Does a thing.'];
  const text =
    options.raw ?? ['---', ...frontmatter, '---', ...(options.body ?? goodBody), ''].join('\n');
  writeFileSync(join(dir, folder, 'SKILL.md'), text);
  return lintSkillsDir(dir);
}

function rulesOf(issues: { rule: SkillLintRule }[]): SkillLintRule[] {
  return issues.map((issue) => issue.rule);
}

describe('skills lint', () => {
  it('passes every bundled skill', () => {
    const issues = lintSkillsDir(repoSkills);
    expect(issues.map((issue) => `${issue.skill}: ${issue.message}`)).toEqual([]);
  });

  it('passes a well-formed skill', () => {
    expect(lintOne('fine')).toEqual([]);
  });

  it('fails a folder without SKILL.md', () => {
    const dir = mkdtempSync(join(root, 'empty-'));
    mkdirSync(join(dir, 'nothing'));
    expect(rulesOf(lintSkillsDir(dir))).toEqual(['missing-file']);
  });

  it('fails missing or malformed frontmatter', () => {
    expect(rulesOf(lintOne('a', { raw: goodBody.join('\n') }))).toEqual(['frontmatter']);
    expect(rulesOf(lintOne('a', { frontmatter: ['description: no name'] }))).toEqual([
      'frontmatter',
    ]);
    expect(rulesOf(lintOne('a', { frontmatter: ['name: a', 'description: [unclosed'] }))).toEqual([
      'frontmatter',
    ]);
  });

  it('fails a name that differs from the folder', () => {
    expect(
      rulesOf(lintOne('weather', { frontmatter: ['name: wether', 'description: d'] })),
    ).toEqual(['name-mismatch']);
  });

  it('fails a description over 300 characters', () => {
    const issues = lintOne('a', { frontmatter: ['name: a', `description: ${'x'.repeat(301)}`] });
    expect(rulesOf(issues)).toEqual(['description-too-long']);
    expect(lintOne('a', { frontmatter: ['name: a', `description: ${'x'.repeat(300)}`] })).toEqual(
      [],
    );
  });

  it('fails unknown metadata keys, inside our block and beside it', () => {
    const inside = lintOne('a', {
      frontmatter: ['name: a', 'description: d', 'metadata: {"clawdbot":{"emojis":"x"}}'],
    });
    expect(rulesOf(inside)).toEqual(['frontmatter']);
    expect(inside[0]!.message).toContain('emojis');
    const beside = lintOne('a', {
      frontmatter: ['name: a', 'description: d', 'metadata: {"clawbot":{"emoji":"x"}}'],
    });
    expect(rulesOf(beside)).toEqual(['unknown-key', 'unknown-key']);
    const top = lintOne('a', { frontmatter: ['name: a', 'description: d', 'emoji: x'] });
    expect(rulesOf(top)).toEqual(['unknown-key']);
  });

  it('fails a body under 40 lines', () => {
    const issues = lintOne('a', { body: goodBody.slice(0, 39) });
    expect(rulesOf(issues)).toEqual(['body-too-short']);
    expect(lintOne('a', { body: ['', '', ...goodBody.slice(0, 40), '', ''] })).toEqual([]);
  });

  it.each([
    'TODO: write the install section',
    'Details TBD.',
    'Lorem ipsum dolor sit amet.',
    'This is a placeholder skill.',
    'Integration required: connect your account first.',
    'Support for Linux is coming soon.',
  ])('fails placeholder text: %s', (line) => {
    const issues = lintOne('a', { body: [...goodBody, line] });
    expect(rulesOf(issues)).toEqual(['placeholder']);
  });

  it('does not mistake the ordinary word "todo" for a placeholder', () => {
    expect(lintOne('a', { body: [...goodBody, 'Add a todo to the Inbox list.'] })).toEqual([]);
  });
});
