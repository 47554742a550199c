import type { AgentService } from '../core/agent/agent-service.js';

/** Activities that reach other sessions through the agent runtime. */
export function createSessionActivities({ agent }: { agent: AgentService | undefined }) {
  return {
    /**
     * Deliver a message into a session (signal-with-start): how a sub-agent's result reaches
     * the session that spawned it, even if that session's workflow had gone idle. The fixed
     * message id makes a retried delivery a no-op.
     */
    async 'sessions.deliver'(input: {
      sessionKey: string;
      messageId: string;
      text: string;
      channel: string;
    }): Promise<{ runId: string }> {
      if (!agent) throw new Error('this worker has no Temporal client to deliver messages with');
      return agent.send(input.sessionKey, {
        messageId: input.messageId,
        text: input.text,
        channel: input.channel,
        receivedAt: Date.now(),
      });
    },
  };
}
