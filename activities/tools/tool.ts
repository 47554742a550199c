import { z } from 'zod';
import type { AgentService } from '../../core/agent/agent-service.js';
import type { Config } from '../../core/config/schema.js';
import type { ImageBlock } from '../../core/messages.js';
import type { TurnAccess } from '../../core/security/turn-access.js';
import type { SessionStore } from '../../core/sessions/index.js';
import type { ModelProviders } from '../llm/model-ref.js';
import type { MemoryService } from '../memory/service.js';
import type { BrowserManager } from './browser-manager.js';
import type { ProcessTable } from './process-table.js';
import type {
  ChannelAccountHandle,
  ChannelPlugin,
  CommonAccountOptions,
} from '../../channels/types.js';

/** What a tool receives besides its input: where it works and how to report progress. */
export interface ToolContext {
  /** Absolute path of the agent workspace (it exists). */
  workspaceDir: string;
  sessionKey: string;
  runId: string;
  toolCallId: string;
  /** Aborted when the turn is cancelled: tools must stop promptly. */
  signal: AbortSignal;
  /** Report liveness during long work (becomes a Temporal activity heartbeat). */
  heartbeat(details?: unknown): void;
  /** The validated config, for tools with settings of their own (tools.web). */
  config?: Config;
  /** Sessions and the agent runtime, for the tools that work across sessions. */
  sessions?: SessionServices;
  /** This worker's background processes (bash background=true, the process tool). */
  processes?: ProcessTable;
  /**
   * The turn's access: whether shell tools run sandboxed, which sessions the sessions_*
   * tools reach. Absent for calls recorded before policies existed (the owner's, unsandboxed).
   */
  access?: TurnAccess;
  /** The host's eligible skills: folders read_file may read, env their commands get. */
  skills?: ToolSkills;
  /** Long-term memory of the workspace (memory_search, memory_get). */
  memory?: MemoryService;
  /** This worker's browsers, one per profile (the browser tool). */
  browsers?: BrowserManager;
  /** The channel accounts this process hosts (the gateway): the <channel>_actions tools. */
  channels?: ChannelToolHost;
  /** Model providers plugins registered (`ollama/<model>`), for tools that call a model. */
  modelProviders?: ModelProviders;
}

/** A running channel account as a channel tool uses it. */
export interface ChannelToolAccount {
  accountId: string;
  plugin: ChannelPlugin;
  options: CommonAccountOptions;
  handle: ChannelAccountHandle;
}

/** What the channel tools reach in the process hosting the channels. */
export interface ChannelToolHost {
  /**
   * The running account of `channel`: `accountId`, else `default`, else the only one; an
   * `error` sentence (not configured, not running and why) when there is none.
   */
  account(channel: string, accountId?: string): ChannelToolAccount | { error: string };
}

/** What tools see of the host's skills (computed when asked, from the current config). */
export interface ToolSkills {
  /** Folders of the eligible skills: readable (never writable) besides the workspace. */
  readableDirs(): string[];
  /** Variables the eligible skills' config (`env`, `apiKey`) adds to commands. */
  commandEnv(): Record<string, string>;
}

/** What the sessions_* tools reach: the session store and the agent runtime on Temporal. */
export interface SessionServices {
  store: SessionStore;
  agent: AgentService;
}

/** What a tool call returns to the model; `details` is for clients and logs, not the model. */
export interface ToolResult {
  text: string;
  /**
   * Images the model sees with the text (a screenshot, a canvas snapshot). They go into the
   * transcript and to the provider (Anthropic: inside tool_result; OpenAI: a user message after
   * the tool messages), never into workflow history.
   */
  images?: ImageBlock[];
  isError?: boolean;
  details?: Record<string, unknown>;
  /**
   * Files the channel layer sends with the turn's reply (absolute workspace paths), as if
   * the reply named them in `MEDIA:` lines: the tts tool's audio reaches the user even
   * when the model does not copy the line. Name them in `details.media` too: a retried
   * activity that finds the result already recorded reads them from there.
   */
  media?: string[];
}

/** How the activity running a tool is timed out and retried. */
export interface ToolPolicy {
  startToCloseTimeoutMs: number;
  maximumAttempts: number;
  /** Whether running the tool twice with the same input has the effect of running it once. */
  idempotent: boolean;
  heartbeatTimeoutMs?: number;
  /**
   * The tool works on this host's disk or processes (the session's workspace): in a
   * cluster it runs only on the worker of the host that owns the session.
   */
  hostBound?: boolean;
  /**
   * The tool works through this channel's SDK (telegram_actions): it runs on the channel's
   * task queue, served by the gateway process that hosts the channel's accounts.
   */
  channel?: string;
  /**
   * Quick, idempotent work on this host's disk (read_file): when the session's tools run on
   * the worker that runs its workflow (no host queue), the call is a local activity inside
   * the workflow task, which saves a server round trip and a workflow task per call. It is
   * still retried by the same policy, and recorded in the history (as a marker).
   */
  local?: boolean;
}

/** One tool: its name and description for the model, its input schema and its code. */
export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  /**
   * 'workflow' for a tool whose effect is a child workflow (sessions_spawn, cron add): the
   * turn workflow runs it itself; the activity only validates its arguments.
   */
  runsIn?: 'activity' | 'workflow';
  description: string;
  inputSchema: S;
  policy: ToolPolicy;
  /** Offered to the model only when this says so (a channel tool: its channel is configured). */
  available?(config: Config): boolean;
  execute(input: z.output<S>, context: ToolContext): Promise<ToolResult>;
}

/** Declare a tool; exists so `execute` gets its input type from the schema. */
export function defineTool<S extends z.ZodObject>(
  definition: ToolDefinition<S>,
): ToolDefinition<S> {
  return definition;
}

/** Every code a ToolError can carry, and what it means. */
export const toolErrorCodes = {
  INVALID_ARGUMENTS: 'The arguments do not match the tool input schema.',
  INVALID_PATH: 'The path is malformed: a null byte, too long, or a symbolic link loop.',
  PATH_OUTSIDE_WORKSPACE: 'The path resolves to a location outside the agent workspace.',
  FILE_NOT_FOUND: 'The file or directory does not exist.',
  NOT_A_FILE: 'A regular file was expected (it is a directory or a special file).',
  NOT_A_DIRECTORY: 'A directory was expected, or a parent of the path is a file.',
  PERMISSION_DENIED: 'The operating system refused access, or the file system is read-only.',
  DISK_FULL: 'No space left on the device.',
  BINARY_FILE: 'The file is binary, not text.',
  FILE_TOO_LARGE: 'The file is too large for this tool.',
  OFFSET_OUT_OF_RANGE: 'The requested line offset is past the end of the file.',
  TEXT_NOT_FOUND: 'edit_file: oldText does not occur in the file.',
  TEXT_AMBIGUOUS: 'edit_file: oldText occurs more than once and replaceAll is not set.',
  INVALID_URL: 'The URL is malformed, carries credentials, or is not http/https.',
  URL_BLOCKED:
    'The URL (or a redirect) leads to a private, loopback, link-local or other internal ' +
    'address, and its host is not in tools.web.fetch.allowHosts.',
  DNS_FAILED: 'The host name does not resolve.',
  FETCH_FAILED: 'The server answered with an HTTP error status, or no connection could be made.',
  FETCH_TIMEOUT: 'The page did not arrive within tools.web.fetch.timeoutMs.',
  TOO_MANY_REDIRECTS: 'The URL redirected more than 5 times.',
  UNSUPPORTED_CONTENT_TYPE: 'The response is not HTML, text or JSON (an image, a PDF, ...).',
  SEARCH_NOT_CONFIGURED: 'web_search has no provider set up in tools.web.search.',
  SEARCH_FAILED: 'The search provider refused the request (bad API key, bad request).',
  NOT_AN_IMAGE:
    'image: the file or download is not a picture (PNG, JPEG, GIF, WebP, AVIF, TIFF, SVG).',
  IMAGE_TOO_LARGE:
    'image: the file or download is over maxBytesMb, or has more pixels than can be decoded.',
  NO_VISION_MODEL: 'image: no model that can see images is configured; set agent.imageModel.',
  MODEL_FAILED:
    'image: the vision model refused the request (API key, unknown model, bad request).',
  TEXT_TOO_LONG: 'tts: the text is longer than tts.maxChars.',
  TTS_NOT_CONFIGURED:
    'tts: no speech engine is usable (espeak-ng missing, no API key for openai / elevenlabs).',
  TTS_FAILED: 'tts: the speech engine failed, or the speech server refused the request.',
  UNAVAILABLE: 'The tool cannot run in this worker (a service it needs is not configured).',
  SANDBOX_UNAVAILABLE:
    'The session is sandboxed and the sandbox backend (bubblewrap) is missing: no shell at all.',
  SESSION_NOT_VISIBLE:
    'The session named is outside what tools.sessions.visibility lets this session reach.',
  INVALID_PATCH: 'apply_patch: the patch text is malformed; the message names the line.',
  PATCH_CONFLICT: 'apply_patch: a hunk does not match its file; nothing was written.',
  FILE_EXISTS: 'apply_patch: a file to add, or to move onto, already exists.',
  ROLLBACK_FAILED:
    'apply_patch: a write failed and restoring the files written before it failed too.',
  PROCESS_NOT_FOUND: 'process: no background process has this id.',
  PROCESS_NOT_RUNNING: 'process: the process has exited or is lost, or its input is closed.',
  PATH_OUTSIDE_MEMORY:
    'memory_get: the path is not MEMORY.md, under memory/, or in memory.extraPaths.',
  CHANNEL_NOT_CONFIGURED: 'The channel named is not configured (no channels.<id> section).',
  CHANNEL_NOT_RUNNING:
    'The channel account is configured but not running in the gateway (the reason is given).',
  ACTION_DISABLED:
    'The action is turned off by channels.<id>.actions.<group> (the message names the setting).',
  ACTION_UNSUPPORTED: 'The channel has no such operation (e.g. reading history on Telegram).',
  ACTION_FAILED: "The platform refused the operation; the message is the platform's own.",
  TARGET_NOT_ALLOWED:
    'message: a chat session may only reach its own chat unless tools.message allows more.',
  TARGET_UNKNOWN: 'message: the target session has no chat on a messaging channel to send to.',
  PROCESS_NOT_OWNED:
    'process: another worker, still running, started the process; only it can write to or kill it.',
  BROWSER_UNAVAILABLE:
    'browser: browser.enabled is false, or Chromium (browser.executablePath) could not be started.',
  BROWSER_NOT_RUNNING:
    'browser: the profile has no running browser and the action does not start one.',
  TAB_NOT_FOUND: 'browser: no open tab has this id (see action "tabs").',
  REF_NOT_FOUND: 'browser: no element of the page has this ref; take a new snapshot.',
  EVALUATE_DISABLED: 'browser: act kind "evaluate" is off unless browser.evaluateEnabled is true.',
  BROWSER_ACTION_FAILED:
    'browser: the page did not let the action happen (element hidden, timeout, navigation error).',
} as const;

/** A stable ToolError code. */
export type ToolErrorCode = keyof typeof toolErrorCodes;

/**
 * A failure the model can act on (a wrong path, a missing match). Its message is written for
 * the model; runTool turns it into an error result instead of failing the activity, since
 * retrying the same input cannot help.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * JSON Schema of a tool's input, usable as Anthropic `input_schema` and OpenAI
 * `function.parameters`. Generated for the *input* side, so fields with defaults are optional.
 */
export function toolJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema, { io: 'input' });
  return schema;
}

function formatIssues(toolName: string, issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(arguments)';
    return `- ${field}: ${issue.message}`;
  });
  return `Invalid arguments for ${toolName}:\n${lines.join('\n')}`;
}

/**
 * Validate the model's arguments and run the tool. Invalid arguments and ToolErrors become
 * error results the model sees; any other error is rethrown so the activity can retry it.
 */
export async function runTool(
  tool: ToolDefinition,
  rawArgs: unknown,
  context: ToolContext,
): Promise<ToolResult> {
  // A tool whose fields are all optional may be called with no arguments at all.
  const parsed = tool.inputSchema.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String),
      message: issue.message,
    }));
    return {
      text: formatIssues(tool.name, parsed.error.issues),
      isError: true,
      details: { code: 'INVALID_ARGUMENTS', issues },
    };
  }
  try {
    return await tool.execute(parsed.data, context);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return { text: error.message, isError: true, details: { ...error.details, code: error.code } };
  }
}
