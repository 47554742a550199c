import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { InboundMessage } from './types.js';

/**
 * Auto-recall: the top memories for the turn's messages, as a system prompt section, from
 * the `memory.recall` activity on the host whose workspace holds the memory. Its result
 * is in the turn's history, so a replay sees the same memories. A failure recalls nothing
 * rather than failing the turn.
 */
export async function recallMemories(
  messages: InboundMessage[],
  options: { maxResults: number; host?: string },
): Promise<string> {
  const query = messages
    .map((message) => message.text)
    .join('\n')
    .slice(0, 2000);
  if (query.trim() === '') return '';
  const { 'memory.recall': recall } = proxyActivities<Activities>({
    // The workflow's own queue is the shared one; a host's queue is `<queue>@<host>`.
    ...(options.host !== undefined
      ? { taskQueue: `${workflowInfo().taskQueue}@${options.host}` }
      : {}),
    startToCloseTimeout: '60s',
    scheduleToStartTimeout: '10s',
    retry: { initialInterval: '500ms', maximumAttempts: 2 },
  });
  try {
    // Channel messages name their sender: the activity recalls nothing for a stranger's turn.
    const subjects = messages.flatMap((message) =>
      message.delivery
        ? [
            {
              channel: message.delivery.channel,
              accountId: message.delivery.accountId,
              chatType: message.delivery.chatType,
              chatId: message.delivery.chatId,
              ...(message.senderId !== undefined ? { senderId: message.senderId } : {}),
            },
          ]
        : [],
    );
    return await recall({ query, maxResults: options.maxResults, subjects });
  } catch {
    return '';
  }
}
