/** The node methods (pairing, listing, invoking), registered in index.ts with one spread. */
import { nodeDescribeMethod } from './node-describe.js';
import { nodeEventMethod } from './node-event.js';
import { nodeInvokeMethod } from './node-invoke.js';
import { nodeInvokeResultMethod } from './node-invoke-result.js';
import { nodeListMethod } from './node-list.js';
import { nodePairApproveMethod } from './node-pair-approve.js';
import { nodePairListMethod } from './node-pair-list.js';
import { nodePairRejectMethod } from './node-pair-reject.js';
import { nodePairRequestMethod } from './node-pair-request.js';
import { nodePairRevokeMethod } from './node-pair-revoke.js';
import type { GatewayMethod } from './types.js';

/** Every node.* method. */
export const nodeMethods: readonly GatewayMethod[] = [
  nodePairRequestMethod,
  nodePairListMethod,
  nodePairApproveMethod,
  nodePairRejectMethod,
  nodePairRevokeMethod,
  nodeListMethod,
  nodeDescribeMethod,
  nodeInvokeMethod,
  nodeInvokeResultMethod,
  nodeEventMethod,
];
