/**
 * The first frame: it must be a `connect` request whose protocol range includes 3 and
 * whose credentials pass. Failures are answered the way OpenClaw answers them (same
 * codes, messages and `details.code`, same close codes) so its clients react correctly.
 */
import type { Config } from '../../core/config/schema.js';
import type { ErrorShape } from '../../core/errors.js';
import {
  connectParamsSchema,
  PROTOCOL_VERSION,
  requestFrameSchema,
  type ConnectParams,
} from '../../core/protocol/index.js';
import { authorizeConnect, type AuthFailure } from './auth.js';
import { issuesOf, usableId } from './frame-errors.js';

/** WebSocket close codes the gateway uses. */
export const CloseCode = {
  protocolError: 1002,
  policyViolation: 1008,
  tooLarge: 1009,
  serviceRestart: 1012,
} as const;

/** A successful connect. */
export interface AcceptedConnect {
  ok: true;
  id: string;
  params: ConnectParams;
  /** `device-token`: a paired node; `unpaired-node`: a node that may only ask to be paired. */
  authMethod: 'token' | 'password' | 'local' | 'device-token' | 'unpaired-node';
}

/** Checks a `role: "node"` connect instead of the shared-secret auth (see gateway/nodes/node-auth.ts). */
export type NodeConnectCheck = (
  params: ConnectParams,
) => { ok: true; paired: boolean } | AuthFailure;

/** A refused connect: an error response (when the frame had an id), then a close. */
export interface RefusedConnect {
  ok: false;
  id: string | undefined;
  error: ErrorShape;
  closeCode: number;
  closeReason: string;
}

function refuse(
  id: string | undefined,
  error: ErrorShape,
  closeCode: number = CloseCode.policyViolation,
): RefusedConnect {
  return { ok: false, id, error, closeCode, closeReason: error.message };
}

/** Check the first frame of a connection. */
export function checkConnect(
  parsed: unknown,
  config: Config,
  isLocal: boolean,
  checkNode?: NodeConnectCheck,
): AcceptedConnect | RefusedConnect {
  const frame = requestFrameSchema.safeParse(parsed);
  if (!frame.success) {
    return refuse(usableId(parsed), {
      code: 'INVALID_REQUEST',
      message: 'invalid request frame',
      details: { issues: issuesOf(frame.error) },
    });
  }
  const { id, method } = frame.data;
  if (method !== 'connect') {
    return refuse(id, {
      code: 'INVALID_REQUEST',
      message: 'invalid handshake: first request must be connect',
    });
  }
  const params = connectParamsSchema.safeParse(frame.data.params ?? {});
  if (!params.success) {
    return refuse(id, {
      code: 'INVALID_REQUEST',
      message: 'invalid connect params',
      details: { issues: issuesOf(params.error) },
    });
  }
  const { minProtocol, maxProtocol } = params.data;
  if (minProtocol > PROTOCOL_VERSION || maxProtocol < PROTOCOL_VERSION) {
    return refuse(
      id,
      {
        code: 'INVALID_REQUEST',
        message: 'protocol mismatch',
        details: {
          code: 'PROTOCOL_MISMATCH',
          expectedProtocol: PROTOCOL_VERSION,
          clientMinProtocol: minProtocol,
          clientMaxProtocol: maxProtocol,
        },
      },
      CloseCode.protocolError,
    );
  }
  if (params.data.role === 'node' && checkNode !== undefined) {
    const node = checkNode(params.data);
    if (!node.ok) {
      return refuse(id, {
        code: node.code,
        message: node.message,
        details: { code: node.detailCode, authReason: node.reason },
      });
    }
    const authMethod = node.paired ? 'device-token' : 'unpaired-node';
    return { ok: true, id, params: params.data, authMethod };
  }
  const auth = authorizeConnect(config, params.data, isLocal);
  if (!auth.ok) {
    return refuse(id, {
      code: auth.code,
      message: auth.message,
      details: { code: auth.detailCode, authReason: auth.reason },
    });
  }
  return { ok: true, id, params: params.data, authMethod: auth.method };
}
