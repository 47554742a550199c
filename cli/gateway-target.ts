/**
 * The gateway the older client commands (`channels status`, `pairing list|approve`) talk
 * to: `--url`, `--token` and `--password` as on every other gateway command, falling back
 * to the config those commands already loaded (with their `--port`).
 */
import type { Config } from '../core/config/schema.js';
import { gatewayWsUrl, type GatewayCallOptions } from './gateway-client.js';

/** Connection flags of a gateway command (see gatewayOptions in gateway-command.ts). */
export interface GatewayTargetFlags {
  url?: string;
  token?: string;
  password?: string;
}

/** Flags first, then config (whose token already includes $CLAWDBOT_GATEWAY_TOKEN). */
export function gatewayTargetOf(config: Config, flags: GatewayTargetFlags): GatewayCallOptions {
  const token = flags.token ?? config.gateway.auth.token;
  const password = flags.password ?? config.gateway.auth.password;
  return {
    url: flags.url ?? gatewayWsUrl(config),
    ...(token === undefined ? {} : { token }),
    ...(password === undefined ? {} : { password }),
  };
}
