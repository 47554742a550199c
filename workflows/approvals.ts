import {
  condition,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ToolCallBlock } from '../core/messages.js';
import { pendingApprovalsQuery, resolveApprovalUpdate } from './definitions.js';
import { approvalStateAttribute } from './search-attributes.js';
import type { ApprovalDecision, ApprovalRules, PendingApproval, TurnRef } from './types.js';

const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s', maximumAttempts: 10 },
});

/** The approvals of the turns a workflow runs: what it waits for and how a person decides. */
export interface ApprovalBook {
  /**
   * Wait, durably, for a person to approve or deny a tool call; no answer in time denies
   * it. `approvalId` must start with the workflow id and `::`: that is how the gateway
   * finds the workflow to send the decision to.
   */
  approve(
    ref: TurnRef,
    call: ToolCallBlock,
    rules: ApprovalRules | undefined,
    approvalId: string,
  ): Promise<ApprovalDecision>;
}

/**
 * Register this workflow's approval handlers (the pendingApprovals query and the
 * resolveApproval update) and return the book its turns use. Call once per workflow run.
 */
export function registerApprovals(): ApprovalBook {
  const pending = new Map<string, PendingApproval>();
  const decisions = new Map<string, ApprovalDecision>();
  setHandler(pendingApprovalsQuery, () => [...pending.values()]);
  setHandler(
    resolveApprovalUpdate,
    (decision) => {
      decisions.set(decision.approvalId, decision);
      return { applied: true };
    },
    {
      validator: (decision: ApprovalDecision) => {
        if (!pending.has(decision.approvalId))
          throw new Error(`no pending approval ${decision.approvalId}`);
      },
    },
  );

  return {
    async approve(ref, call, rules, approvalId) {
      const timeoutMs = rules?.timeoutMs ?? 600_000;
      const approval: PendingApproval = {
        approvalId,
        turnId: ref.turnId,
        sessionKey: ref.sessionKey,
        runId: ref.runId,
        toolCallId: call.id,
        toolName: call.name,
        args: call.arguments,
        requestedAt: Date.now(),
        expiresAt: Date.now() + timeoutMs,
      };
      pending.set(approvalId, approval);
      upsertSearchAttributes([{ key: approvalStateAttribute, value: 'pending' }]);
      await bookkeeping['turn.publish']({ ...ref, part: { type: 'approval-request', approval } });
      const decided = await condition(() => decisions.has(approvalId), timeoutMs);
      pending.delete(approvalId);
      if (pending.size === 0)
        upsertSearchAttributes([{ key: approvalStateAttribute, value: 'none' }]);
      const decision = decided
        ? decisions.get(approvalId)!
        : {
            approvalId,
            decision: 'deny' as const,
            reason: `no decision within ${Math.round(timeoutMs / 1000)} s`,
          };
      await bookkeeping['turn.publish']({
        ...ref,
        part: {
          type: 'approval-resolve',
          approvalId,
          decision: decision.decision,
          ...(decision.reason ? { reason: decision.reason } : {}),
        },
      });
      return decision;
    },
  };
}
