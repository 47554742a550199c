/** The llm-task plugin: registers the `llm_task` tool (see llm-task-tool.ts). */
import type { PluginApi } from '../../core/plugins/types.js';
import { llmTaskTool, type LlmTaskConfig } from './llm-task-tool.js';

export function register(api: PluginApi<LlmTaskConfig>): void {
  api.registerTool(llmTaskTool(api.pluginConfig));
}
