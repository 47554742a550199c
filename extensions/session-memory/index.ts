/**
 * The session-memory plugin: on session_end (a reset by `/new`, `/reset`, `sessions.reset`
 * or the daily/idle policy), one model call summarises the ended session and the summary
 * is written to `<workspace>/memory/YYYY-MM-DD-<slug>.md`, where the memory index picks it
 * up and memory_search finds it. The hook runs in the `plugins.sessionEnd` activity: a
 * failed model call fails the attempt and Temporal retries it; a written note is not
 * written twice.
 */
import { join } from 'node:path';
import { generate } from '../../activities/llm/generate.js';
import { renderMessage } from '../../activities/summarize.js';
import { messageText } from '../../core/messages.js';
import type { PluginApi, SessionEndReason } from '../../core/plugins/types.js';
import { existingNote, localDate, sessionMarker, slugOf, writeNote } from './memory-note.js';

/** `plugins.entries.session-memory.config` after the manifest's defaults. */
interface SessionMemoryConfig {
  model?: string;
  messages?: number;
  maxTokens?: number;
  reasons?: SessionEndReason[];
}

/** The model is told this; its first line gives the note its title. */
export const noteInstructions =
  'You keep an assistant’s long-term memory. From the conversation below, write a short ' +
  'note of what is worth remembering later: facts about the user and their world, ' +
  'preferences, decisions, things created or changed, open tasks. Keep names, numbers and ' +
  'identifiers exact; leave out small talk. Start with one line "Title: <a few words>", ' +
  'then the note as Markdown bullet points.';

/** Split the model's answer into its title line and the note. */
function titled(answer: string): { title: string; body: string } {
  const match = /^\s*Title:\s*(.+)\n?([\s\S]*)$/i.exec(answer.trim());
  if (!match) return { title: '', body: answer.trim() };
  return { title: match[1]!.trim(), body: match[2]!.trim() };
}

export function register(api: PluginApi<SessionMemoryConfig>): void {
  const settings = api.pluginConfig;
  const reasons = settings.reasons ?? ['new', 'reset', 'api', 'daily', 'idle'];
  api.registerHook('session_end', async (event) => {
    if (!reasons.includes(event.reason)) return;
    const conversation = event.messages
      .filter((message) => message.role !== 'toolResult')
      .filter((message) => messageText(message).trim() !== '')
      .slice(-(settings.messages ?? 60));
    if (!conversation.some((message) => message.role === 'user')) return;
    const dir = join(event.workspaceDir, 'memory');
    // A retried attempt after the note was written (the activity died reporting) stops here.
    if (existingNote(dir, event.sessionId)) return;
    const response = await generate({
      models: [settings.model ?? api.config.agent.model],
      system: noteInstructions,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: `Conversation to remember:\n\n${conversation.map(renderMessage).join('\n\n')}`,
            },
          ],
          timestamp: 0,
        },
      ],
      tools: [],
      maxTokens: settings.maxTokens ?? 1024,
      providers: api.config.providers,
      modelProviders: api.modelProviders(),
      idleTimeoutMs: 120_000,
    });
    const answer = response.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('');
    const { title, body } = titled(answer);
    if (body === '') return;
    const ended = new Date(event.endedAt).toISOString();
    const heading = title || `Session ${event.sessionKey}`;
    const note = [
      `# ${heading}`,
      '',
      sessionMarker(event.sessionId),
      `Session ${event.sessionKey}, ended ${ended} (${event.reason}).`,
      '',
      body,
      '',
    ].join('\n');
    const name = writeNote(
      dir,
      `${localDate(event.endedAt)}-${slugOf(title || event.sessionKey)}`,
      note,
    );
    api.logger.info(`session ${event.sessionId} summarised to memory/${name}`);
  });
}
