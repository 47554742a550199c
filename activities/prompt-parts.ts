/**
 * The fixed part of every LLM request: the system prompt (with the skills list) and the
 * tool definitions. Built the same way for the LLM call and the compaction that sizes its
 * history, so both see the same budget.
 */
import type { Config } from '../core/config/schema.js';
import type { SkillCatalog, SkillsSnapshot } from '../core/skills/catalog.js';
import { buildSystemPrompt } from './context.js';
import type { ToolSpec } from './llm/convert.js';
import { tools as builtInTools } from './tools/index.js';
import { toolJsonSchema, type ToolDefinition } from './tools/tool.js';

/** What the prompt parts need. */
export interface PromptPartsDeps {
  config: () => Config;
  workspaceDir: string;
  skills: SkillCatalog;
  /** Every tool of this worker: the built-in ones and the plugins' (default: built-in). */
  tools?: readonly ToolDefinition[];
}

/** The system prompt and tool definitions of a process. */
export interface PromptParts {
  toolSpecs: ToolSpec[];
  /**
   * The system prompt with these skills (default: this host's catalog now), naming the
   * turn's workspace (a sandboxed session's own) and only the tools it allows.
   */
  system(options?: {
    extra?: string | undefined;
    skills?: SkillsSnapshot;
    workspaceDir?: string;
    allowed?: (toolName: string) => boolean;
  }): string;
}

/** Prompt parts over this host's skill catalog. */
export function createPromptParts(deps: PromptPartsDeps): PromptParts {
  const tools = deps.tools ?? builtInTools;
  // Serialised once: byte-identical tool definitions keep providers' prompt caches warm.
  const toolSpecs = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: toolJsonSchema(tool),
  }));
  return {
    toolSpecs,
    system(options = {}) {
      const { systemPrompt } = deps.config().agent;
      return buildSystemPrompt({
        workspaceDir: options.workspaceDir ?? deps.workspaceDir,
        tools: options.allowed ? tools.filter((tool) => options.allowed!(tool.name)) : tools,
        skills: options.skills ?? deps.skills.snapshot(undefined),
        ...(systemPrompt !== undefined ? { basePrompt: systemPrompt } : {}),
        ...(options.extra !== undefined ? { extra: options.extra } : {}),
      });
    },
  };
}
