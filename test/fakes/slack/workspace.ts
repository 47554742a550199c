// The state of one fake Slack workspace with one installed app: its users, conversations,
// messages and everything the bot did, shared by the Web API, Socket Mode and Events API
// halves of the fake. Field names follow Slack's documented objects.

/** Conversation types as Slack's message events name them in `channel_type`. */
export type SlackChannelType = 'im' | 'mpim' | 'channel' | 'group';

/** A conversation the workspace knows (conversations.info answers from it). */
export interface FakeConversation {
  id: string;
  type: SlackChannelType;
  name: string;
}

/** A user the workspace knows (users.info answers from it). */
export interface FakeUser {
  id: string;
  name: string;
  realName: string;
}

/** A file a user shared or the bot uploaded; served at `url_private_download`. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  bytes: Buffer;
}

/** One thing the bot put into the workspace: a message, an edit, or a file share. */
export interface SlackSentEntry {
  method: 'chat.postMessage' | 'chat.update' | 'files.completeUploadExternal';
  channel: string;
  /** The message's ts (for files: the share's ts). */
  ts: string;
  text: string;
  threadTs?: string;
  /** As the bot asked: false means Slack must not parse mrkdwn. */
  mrkdwn?: boolean;
  files?: { id: string; name: string; title: string; bytes: number }[];
}

/** One Web API request, as the fake received it. */
export interface SlackApiCall {
  method: string;
  token: string | undefined;
  args: Record<string, string>;
  /** What the fake answered: HTTP status and Slack's `error` when ok was false. */
  status: number;
  error?: string;
}

/** Identity of the fake app and its bot user. */
export interface FakeAppIdentity {
  teamId: string;
  teamName: string;
  appId: string;
  botId: string;
  botUserId: string;
  botName: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
}

/** Messages per conversation: ts -> author, so thread replies can carry `parent_user_id`. */
type Authors = Map<string, string>;

/** The mutable workspace; one per fake server, never shared between tests. */
export class FakeWorkspace {
  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  readonly files = new Map<string, FakeFile>();
  /** Uploads between files.getUploadURLExternal and files.completeUploadExternal. */
  readonly uploads = new Map<string, { name: string; length: number; bytes?: Buffer }>();
  readonly sent: SlackSentEntry[] = [];
  readonly calls: SlackApiCall[] = [];
  /** Messages with their text, oldest first (conversations.history answers from it). */
  readonly history: { channel: string; ts: string; user: string; text: string }[] = [];
  /** Reactions the bot added: `<channel>:<ts>` -> names. */
  readonly reactions = new Map<string, Set<string>>();
  /** Pinned messages: `<channel>:<ts>` -> who pinned. */
  readonly pins = new Map<string, string>();
  /** Custom emoji of the workspace (emoji.list). */
  readonly emoji: Record<string, string> = { partyparrot: 'https://emoji.example/partyparrot.gif' };
  private readonly authors = new Map<string, Authors>();
  private lastTs = 0;
  private nextId = 1;

  constructor(readonly identity: FakeAppIdentity) {
    this.users.set(identity.botUserId, {
      id: identity.botUserId,
      name: identity.botName,
      realName: identity.botName,
    });
  }

  /**
   * A new message ts: Slack's "seconds.micros" string, unique and increasing within the
   * workspace (it is the message's id inside its conversation).
   */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** A new id with Slack's one-letter type prefix (F for files, Ev for events...). */
  newId(prefix: string): string {
    return `${prefix}${String(this.nextId++).padStart(9, '0')}`;
  }

  /** Register (or replace) a conversation. */
  addConversation(conversation: FakeConversation): void {
    this.conversations.set(conversation.id, conversation);
  }

  /** Register a user unless known; returns the user. */
  ensureUser(id: string, name = id.toLowerCase()): FakeUser {
    const known = this.users.get(id);
    if (known) return known;
    const user = { id, name, realName: name };
    this.users.set(id, user);
    return user;
  }

  /**
   * The conversation with this id, registering it from Slack's id prefixes when unknown
   * (D = direct message, C = public channel, G = private channel).
   */
  ensureConversation(id: string): FakeConversation {
    const known = this.conversations.get(id);
    if (known) return known;
    const type: SlackChannelType = id.startsWith('D')
      ? 'im'
      : id.startsWith('G')
        ? 'group'
        : 'channel';
    const conversation = { id, type, name: id.toLowerCase() };
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** Remember who wrote message `ts` in `channel` (and its text, for conversations.history). */
  recordAuthor(channel: string, ts: string, userId: string, text?: string): void {
    let authors = this.authors.get(channel);
    if (!authors) this.authors.set(channel, (authors = new Map<string, string>()));
    authors.set(ts, userId);
    if (text !== undefined) this.history.push({ channel, ts, user: userId, text });
  }

  /** Forget message `ts` (chat.delete). */
  forget(channel: string, ts: string): void {
    this.authors.get(channel)?.delete(ts);
    const index = this.history.findIndex(
      (message) => message.channel === channel && message.ts === ts,
    );
    if (index >= 0) this.history.splice(index, 1);
  }

  /** Who wrote message `ts` in `channel`, if the fake saw it. */
  authorOf(channel: string, ts: string): string | undefined {
    return this.authors.get(channel)?.get(ts);
  }
}
