// Re-exported from core/agent, where activities can reach it too.
export {
  createTemporalAgentService,
  turnSettings,
  type TemporalAgentServiceDeps,
} from '../core/agent/temporal-agent-service.js';
