import { bashTool } from './bash.js';
import { editFileTool } from './edit-file.js';
import { readFileTool } from './read-file.js';
import type { ToolDefinition } from './tool.js';
import { writeFileTool } from './write-file.js';

/** Every tool the agent can call, in the order they are offered to the model. */
export const tools: readonly ToolDefinition[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  bashTool,
];

/** The tool registered under `name`, if any. */
export function findTool(name: string): ToolDefinition | undefined {
  return tools.find((tool) => tool.name === name);
}
