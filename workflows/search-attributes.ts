import { defineSearchAttributeKey } from '@temporalio/common';

/** Search attributes set on session and turn workflows, so a run can be found by session in the Temporal UI. */
export const sessionKeyAttribute = defineSearchAttributeKey('ClawdbotSessionKey', 'KEYWORD');
/** The channel a run's messages came from (webchat, telegram, ...). */
export const channelAttribute = defineSearchAttributeKey('ClawdbotChannel', 'KEYWORD');
/** The agent that runs the session. */
export const agentIdAttribute = defineSearchAttributeKey('ClawdbotAgentId', 'KEYWORD');

/** The run id (the id of the message that started the turn): how agent.wait finds a turn. */
export const runIdAttribute = defineSearchAttributeKey('ClawdbotRunId', 'KEYWORD');

/** On a sub-agent: the session that spawned it (sessions_list shows its children). */
export const parentSessionKeyAttribute = defineSearchAttributeKey(
  'ClawdbotParentSessionKey',
  'KEYWORD',
);

/** 'pending' while a turn waits for a person to approve a tool call: what exec.approval.list searches. */
export const approvalStateAttribute = defineSearchAttributeKey('ClawdbotApproval', 'KEYWORD');

/** Every search attribute ClawdBot needs registered on its namespace. */
export const clawdbotSearchAttributes = [
  sessionKeyAttribute,
  channelAttribute,
  agentIdAttribute,
  runIdAttribute,
  parentSessionKeyAttribute,
  approvalStateAttribute,
];
