import { ApplicationFailure, Context } from '@temporalio/activity';
import type { IndexProgress, IndexReport } from './memory/indexer.js';
import { MemoryError } from './memory/errors.js';
import type { MemoryService } from './memory/service.js';
import type { Config } from '../core/config/schema.js';
import { isOwner, type MessageSubject } from '../core/security/turn-access.js';

/** What the memory activities need. */
export interface MemoryActivityDeps {
  memory?: MemoryService;
  /** The config in force now: who the owner is. */
  config: () => Config;
}

/** Input of memory.recall: the user's message of a turn. */
export interface RecallInput {
  query: string;
  maxResults: number;
  /**
   * Who sent the turn's messages (channel messages only). The memory is the owner's: a
   * turn with any message from someone else recalls nothing, as its tools cannot search it.
   */
  subjects?: MessageSubject[];
}

/** memory.index (the indexer) and memory.recall (auto-recall before a turn's first LLM call). */
export function createMemoryActivities({ memory, config }: MemoryActivityDeps) {
  return {
    /**
     * Bring the index up to date, heartbeating progress. A retry after the worker died
     * resumes: files committed before the crash are unchanged and skipped.
     */
    async 'memory.index'(): Promise<IndexReport | undefined> {
      if (!memory?.config.enabled) return undefined;
      const context = Context.current();
      let last: IndexProgress | undefined;
      // On a timer too: one slow embedding batch must not look like a dead worker.
      const beat = setInterval(() => context.heartbeat(last), 2000);
      try {
        return await memory.index({
          onProgress: (progress) => {
            last = progress;
            context.heartbeat(progress);
          },
          signal: context.cancellationSignal,
        });
      } catch (error) {
        if (error instanceof MemoryError && !error.retryable) {
          throw ApplicationFailure.nonRetryable(error.message, `MemoryError.${error.code}`);
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },

    /** The top memories for a message, as a system prompt section (empty when none). */
    async 'memory.recall'(input: RecallInput): Promise<string> {
      if (!memory?.config.enabled || input.query.trim() === '') return '';
      if ((input.subjects ?? []).some((subject) => !isOwner(config(), subject))) return '';
      const results = await memory.search(input.query, { maxResults: input.maxResults });
      if (results.length === 0) return '';
      return [
        '## Recalled memories',
        'From your memory files, possibly relevant to the message (verify before relying on them):',
        ...results.map(
          (result) =>
            `- ${result.path}#L${result.startLine}-L${result.endLine}: ${result.snippet.replace(/\s+/g, ' ')}`,
        ),
      ].join('\n');
    },
  };
}
