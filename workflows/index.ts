// The worker's workflowsPath: every workflow, one per file.
export { session, sessionTurn } from './session.js';
export { agentTurn } from './agent-turn.js';
export { toolInvoke } from './tool-invoke.js';
export { subagent } from './subagent.js';
export { cronJob } from './cron-job.js';
export { memoryIndex } from './memory-index.js';
export { voiceCall } from './voice-call.js';
export { sessionEndHooks } from './session-end-hooks.js';
