/**
 * Where each conversation's replies go. Every activity names the `serviceUrl` to answer it
 * at (a regional Bot Connector host); a reply is delivered later, possibly after a gateway
 * restart, so the last verified serviceUrl of each conversation is kept in
 * `<stateDir>/credentials/msteams/<account>-service-urls.json`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The serviceUrl of each conversation of one account. */
export class ServiceUrls {
  private readonly byConversation = new Map<string, string>();

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      for (const [conversation, url] of Object.entries(stored)) {
        this.byConversation.set(conversation, url);
      }
    } catch {
      // No file yet (or unreadable): conversations are learnt again from their next message.
    }
  }

  /** The file of one account under a state dir. */
  static fileFor(stateDir: string | undefined, accountId: string): string | undefined {
    return stateDir
      ? join(stateDir, 'credentials', 'msteams', `${accountId}-service-urls.json`)
      : undefined;
  }

  get(conversationId: string): string | undefined {
    return this.byConversation.get(conversationId);
  }

  /** Remember a conversation's serviceUrl (written only when it changed). */
  set(conversationId: string, serviceUrl: string): void {
    if (this.byConversation.get(conversationId) === serviceUrl) return;
    this.byConversation.set(conversationId, serviceUrl);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.byConversation)), {
      mode: 0o600,
    });
    renameSync(temporary, this.file);
  }
}
