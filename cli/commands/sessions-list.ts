import { openSessionStore } from '../../core/sessions/index.js';
import { commandContext, type RuntimeFlags } from '../context.js';

/**
 * `clawdbot sessions [--json] [--limit n]`: sessions newest first with the latest turn's
 * token counts (input, output, cache reads and writes), read from the session store (no
 * gateway needed).
 */
export async function runSessionsList(
  flags: Pick<RuntimeFlags, 'stateDir'> & { json?: boolean; limit?: string },
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { config, paths } = commandContext(flags);
  const store = openSessionStore(config, paths.stateDir);
  try {
    const limit = flags.limit === undefined ? 50 : Number(flags.limit);
    const sessions = await store.list({ limit: Number.isFinite(limit) ? limit : 50 });
    if (flags.json) {
      write(`${JSON.stringify({ sessions }, null, 2)}\n`);
      return 0;
    }
    if (sessions.length === 0) write('No sessions yet.\n');
    for (const session of sessions) {
      const cache =
        session.cacheReadTokens === undefined
          ? ''
          : `, cache read ${session.cacheReadTokens} / written ${session.cacheWriteTokens ?? 0}`;
      write(
        `${session.sessionKey} (${session.sessionId}) ${new Date(session.updatedAt).toISOString()}: ` +
          `last turn ${session.inputTokens} in / ${session.outputTokens} out${cache}\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
