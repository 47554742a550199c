// bench/skills-prompt: what the skills cost in every system prompt — the <available_skills>
// block of the skills eligible on this machine, and of all bundled skills (a machine with
// every tool installed), in characters and tokens. Also what a catalog check costs per turn
// (the stats that find a changed skill folder), since it runs before every turn's first LLM call.
// Run: node bin/run-ts.js bench/skills-prompt.ts [--state-dir DIR]
// Tokens are estimated (no tokenizer ships with the project): ~4 characters per token for
// English prose, the rule of thumb both Anthropic and OpenAI document; XML tags and paths
// tokenize denser, so the estimate is on the low side.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSystemPrompt } from '../activities/context.js';
import { tools } from '../activities/tools/index.js';
import { parseConfig } from '../core/config/load.js';
import { createSkillCatalog } from '../core/skills/catalog.js';
import { bundledSkillsDir } from '../core/skills/loader.js';
import { formatSkillsPrompt, type SkillPromptEntry } from '../core/skills/prompt.js';
import { percentile } from './stats.js';

const { values: args } = parseArgs({ options: { 'state-dir': { type: 'string' } } });
const stateDir = args['state-dir'] ?? mkdtempSync(join(tmpdir(), 'clawdbot-bench-skills-'));
const config = parseConfig({}, 'bench');
const catalog = createSkillCatalog({
  config: () => config,
  bundledDir: bundledSkillsDir(),
  managedDir: join(stateDir, 'skills'),
  workspaceDir: join(stateDir, 'workspace'),
});

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

function row(label: string, skills: readonly SkillPromptEntry[]) {
  const block = formatSkillsPrompt(skills);
  const base = buildSystemPrompt({ workspaceDir: '/w', tools, skills: { skills: [] } });
  const full = buildSystemPrompt({ workspaceDir: '/w', tools, skills: { skills: [...skills] } });
  const perSkill =
    skills.length > 0
      ? Math.round((block.length - formatSkillsPrompt([]).length) / skills.length)
      : 0;
  return {
    label,
    skills: skills.length,
    blockChars: block.length,
    blockTokens: estimateTokens(block),
    perSkillChars: perSkill,
    systemPromptChars: `${base.length} -> ${full.length}`,
  };
}

const status = catalog.status().skills;
const entry = (skill: (typeof status)[number]): SkillPromptEntry => ({
  name: skill.name,
  description: skill.description,
  location: skill.file,
});
const eligible = catalog.snapshot().skills;
const all = status.filter((skill) => skill.modelInvocable).map(entry);
console.table([row('eligible here', eligible), row('all bundled', all)]);

// The per-turn check: stat the skill folders, re-judge eligibility (nothing changed).
const samples: number[] = [];
for (let index = 0; index < 200; index++) {
  const started = process.hrtime.bigint();
  catalog.snapshot();
  samples.push(Number(process.hrtime.bigint() - started) / 1e6);
}
samples.sort((a, b) => a - b);
console.log(
  `catalog check per turn (unchanged folders, ${status.length} skills): p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms`,
);
