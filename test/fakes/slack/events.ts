// Event payloads as Slack sends them to an app: the `event_callback` wrapper and the
// `message` / `app_mention` events inside it, with the documented field names.
import { randomUUID } from 'node:crypto';
import type { FakeFile, FakeWorkspace } from './workspace.js';

/** A user's message as a test writes it. */
export interface UserMessageInput {
  channel: string;
  user: string;
  text: string;
  /** Post inside this thread (the parent message's ts). */
  threadTs?: string;
  /** Files shared with the message (they become `files` with subtype file_share). */
  files?: { name: string; mimetype: string; bytes: Buffer }[];
}

/** The `event_callback` body Slack wraps every Events API event in. */
export function eventCallback(
  workspace: FakeWorkspace,
  event: Record<string, unknown>,
): Record<string, unknown> {
  const { teamId, appId, botUserId } = workspace.identity;
  return {
    token: 'fake-verification-token',
    team_id: teamId,
    api_app_id: appId,
    event,
    type: 'event_callback',
    event_id: workspace.newId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
  };
}

/**
 * The events Slack sends for one user message: `message` (with `channel_type`), and also
 * `app_mention` when it mentions the bot outside a direct message. Registers the message
 * (for thread parents) and its files in the workspace.
 */
export function userMessageEvents(
  workspace: FakeWorkspace,
  input: UserMessageInput,
  baseUrl: string,
): { ts: string; message: Record<string, unknown>; mention?: Record<string, unknown> } {
  const conversation = workspace.ensureConversation(input.channel);
  workspace.ensureUser(input.user);
  const ts = workspace.nextTs();
  workspace.recordAuthor(conversation.id, ts, input.user, input.text);
  const parentUser = input.threadTs
    ? workspace.authorOf(conversation.id, input.threadTs)
    : undefined;
  const files = (input.files ?? []).map((file) => shareFile(workspace, file, baseUrl));
  const common = {
    user: input.user,
    text: input.text,
    ts,
    channel: conversation.id,
    event_ts: ts,
    team: workspace.identity.teamId,
    client_msg_id: randomUUID(),
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    ...(parentUser ? { parent_user_id: parentUser } : {}),
    ...(files.length > 0 ? { files, upload: false } : {}),
  };
  const message = {
    type: 'message',
    ...(files.length > 0 ? { subtype: 'file_share' } : {}),
    ...common,
    channel_type: conversation.type,
  };
  const mentionsBot = input.text.includes(`<@${workspace.identity.botUserId}>`);
  const mention =
    mentionsBot && conversation.type !== 'im' ? { type: 'app_mention', ...common } : undefined;
  return { ts, message, ...(mention ? { mention } : {}) };
}

/** The `message` event Slack echoes to an app for a message its own bot posted. */
export function botMessageEvent(
  workspace: FakeWorkspace,
  channel: string,
  ts: string,
  text: string,
  threadTs: string | undefined,
): Record<string, unknown> {
  const { botUserId, botId, appId, botName, teamId } = workspace.identity;
  return {
    type: 'message',
    user: botUserId,
    bot_id: botId,
    app_id: appId,
    text,
    ts,
    channel,
    event_ts: ts,
    team: teamId,
    bot_profile: { id: botId, app_id: appId, name: botName, team_id: teamId },
    ...(threadTs ? { thread_ts: threadTs } : {}),
    channel_type: workspace.conversations.get(channel)?.type ?? 'channel',
  };
}

function shareFile(
  workspace: FakeWorkspace,
  input: { name: string; mimetype: string; bytes: Buffer },
  baseUrl: string,
): Record<string, unknown> {
  const file: FakeFile = {
    id: workspace.newId('F'),
    name: input.name,
    title: input.name,
    mimetype: input.mimetype,
    bytes: input.bytes,
  };
  workspace.files.set(file.id, file);
  const base = `${baseUrl}/files-pri/${workspace.identity.teamId}-${file.id}`;
  return {
    id: file.id,
    created: Math.floor(Date.now() / 1000),
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.name.split('.').at(-1) ?? 'binary',
    size: file.bytes.length,
    mode: 'hosted',
    is_external: false,
    url_private: `${base}/${encodeURIComponent(file.name)}`,
    url_private_download: `${base}/download/${encodeURIComponent(file.name)}`,
  };
}
