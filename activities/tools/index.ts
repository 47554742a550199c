import { applyPatchTool } from './apply-patch.js';
import { bashTool } from './bash.js';
import { browserTool } from './browser.js';
import { canvasTool } from './canvas.js';
import { cronTool } from './cron.js';
import { discordActionsTool } from './discord-actions.js';
import { editFileTool } from './edit-file.js';
import { imageTool } from './image.js';
import { memoryGetTool } from './memory-get.js';
import { memorySearchTool } from './memory-search.js';
import { nodesTool } from './nodes.js';
import { messageTool } from './message.js';
import { processTool } from './process.js';
import { readFileTool } from './read-file.js';
import { sessionsHistoryTool } from './sessions-history.js';
import { sessionsListTool } from './sessions-list.js';
import { sessionsSendTool } from './sessions-send.js';
import { sessionsSpawnTool } from './sessions-spawn.js';
import { slackActionsTool } from './slack-actions.js';
import { telegramActionsTool } from './telegram-actions.js';
import type { ToolDefinition } from './tool.js';
import { ttsTool } from './tts.js';
import { webFetchTool } from './web-fetch.js';
import { webSearchTool } from './web-search.js';
import { writeFileTool } from './write-file.js';

/** Every tool the agent can call, in the order they are offered to the model. */
export const tools: readonly ToolDefinition[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  applyPatchTool,
  bashTool,
  processTool,
  sessionsListTool,
  sessionsHistoryTool,
  sessionsSendTool,
  sessionsSpawnTool,
  cronTool,
  webFetchTool,
  webSearchTool,
  imageTool,
  ttsTool,
  memorySearchTool,
  memoryGetTool,
  browserTool,
  nodesTool,
  messageTool,
  telegramActionsTool,
  discordActionsTool,
  slackActionsTool,
  canvasTool,
];

/** The tool registered under `name`, if any. */
export function findTool(name: string): ToolDefinition | undefined {
  return tools.find((tool) => tool.name === name);
}
