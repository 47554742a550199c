import { z } from 'zod';
import { defineTool } from './tool.js';
import { sessionServices, sessionVisible } from './session-tools-shared.js';

/** sessions_list: the sessions this agent has, most recently active first. */
export const sessionsListTool = defineTool({
  name: 'sessions_list',
  description:
    'List conversation sessions (most recently active first): their keys, when they were last active and token use. Sub-agent sessions started with sessions_spawn are included with their status.',
  inputSchema: z.object({
    limit: z.number().int().min(1).max(200).default(20).describe('How many sessions to list'),
    activeMinutes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Only sessions active within this many minutes'),
  }),
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  async execute(input, context) {
    const { store, agent } = sessionServices(context);
    const visible = (item: { sessionKey: string }) => sessionVisible(context, item.sessionKey);
    const sessions = (
      await store.list({
        limit: input.limit,
        ...(input.activeMinutes ? { activeMinutes: input.activeMinutes } : {}),
      })
    ).filter(visible);
    const subagents = new Map(
      (await agent.listSubagents(context.sessionKey))
        .filter(visible)
        .map((child) => [child.sessionKey, child]),
    );
    if (sessions.length === 0 && subagents.size === 0) return { text: 'No sessions yet.' };
    const lines = sessions.map((session) => {
      const child = subagents.get(session.sessionKey);
      subagents.delete(session.sessionKey);
      const status = child
        ? ` [sub-agent${child.label ? ` "${child.label}"` : ''}: ${child.status}]`
        : '';
      return `- ${session.sessionKey}${status} — last active ${new Date(session.updatedAt).toISOString()}, ${session.totalTokens} tokens`;
    });
    // Sub-agents that have not written anything yet.
    for (const child of subagents.values())
      lines.push(
        `- ${child.sessionKey} [sub-agent${child.label ? ` "${child.label}"` : ''}: ${child.status}]`,
      );
    return { text: lines.join('\n'), details: { count: lines.length } };
  },
});
