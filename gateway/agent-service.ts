// The agent runtime's interface lives in core/agent (activities use it too); re-exported
// here for the gateway's own imports.
export type { AgentService, InboundMessage, RunOutcome } from '../core/agent/agent-service.js';
