/** Every RPC method, registered once; `hello-ok.features.methods` is built from this list. */
import { agentMethod } from './agent.js';
import { agentWaitMethod } from './agent-wait.js';
import { canvasResultMethod } from './canvas-result.js';
import { chatAbortMethod } from './chat-abort.js';
import { chatHistoryMethod } from './chat-history.js';
import { chatSendMethod } from './chat-send.js';
import { channelsLogoutMethod } from './channels-logout.js';
import { channelsStatusMethod } from './channels-status.js';
import { configGetMethod } from './config-get.js';
import { configPatchMethod } from './config-patch.js';
import { configSchemaMethod } from './config-schema.js';
import { cronAddMethod } from './cron-add.js';
import { cronListMethod } from './cron-list.js';
import { cronRemoveMethod } from './cron-remove.js';
import { cronRunMethod } from './cron-run.js';
import { cronRunsMethod } from './cron-runs.js';
import { execApprovalListMethod } from './exec-approval-list.js';
import { execApprovalResolveMethod } from './exec-approval-resolve.js';
import { healthMethod } from './health.js';
import { logsTailMethod } from './logs-tail.js';
import { memorySearchMethod } from './memory-search.js';
import { memoryStatusMethod } from './memory-status.js';
import { modelsListMethod } from './models-list.js';
import { nodeMethods } from './node-methods.js';
import { pairingApproveMethod } from './pairing-approve.js';
import { pairingListMethod } from './pairing-list.js';
import { pluginsListMethod } from './plugins-list.js';
import { runsListMethod } from './runs-list.js';
import { sendMethod } from './send.js';
import { sessionsCompactMethod } from './sessions-compact.js';
import { sessionsDeleteMethod } from './sessions-delete.js';
import { sessionsListMethod } from './sessions-list.js';
import { sessionsPatchMethod } from './sessions-patch.js';
import { sessionsResetMethod } from './sessions-reset.js';
import { skillsStatusMethod } from './skills-status.js';
import { skillsUpdateMethod } from './skills-update.js';
import { statusMethod } from './status.js';
import type { GatewayMethod } from './types.js';

/** The method registry. */
export const gatewayMethods: readonly GatewayMethod[] = [
  healthMethod,
  statusMethod,
  modelsListMethod,
  configGetMethod,
  configPatchMethod,
  configSchemaMethod,
  sessionsListMethod,
  sessionsPatchMethod,
  sessionsResetMethod,
  sessionsCompactMethod,
  sessionsDeleteMethod,
  chatSendMethod,
  chatHistoryMethod,
  chatAbortMethod,
  agentMethod,
  agentWaitMethod,
  sendMethod,
  execApprovalListMethod,
  execApprovalResolveMethod,
  cronListMethod,
  cronAddMethod,
  cronRemoveMethod,
  cronRunMethod,
  cronRunsMethod,
  channelsStatusMethod,
  channelsLogoutMethod,
  pairingListMethod,
  pairingApproveMethod,
  skillsStatusMethod,
  skillsUpdateMethod,
  memoryStatusMethod,
  memorySearchMethod,
  ...nodeMethods,
  pluginsListMethod,
  logsTailMethod,
  canvasResultMethod,
  runsListMethod,
];

export type { GatewayContext, GatewayMethod, RequestContext } from './types.js';
export type { OutboundChannels, OutboundSend } from './send.js';
export type { ChannelControl } from './channels-control.js';
