import type { TranscriptEntry } from '../../core/sessions/index.js';

/** The text of each transcript message of one role, in order. */
export function texts(
  entries: TranscriptEntry[],
  role: 'user' | 'assistant' | 'toolResult',
): string[] {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === role
      ? [entry.message.content.map((block) => ('text' in block ? block.text : '')).join('')]
      : [],
  );
}

/** Poll `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
