/**
 * What an RPC method is (one file each: name, zod params, zod result, handler) and what
 * a handler may reach. Handlers receive parsed params and throw ClawdbotError for
 * anything a client should see; the socket turns both into response frames.
 */
import type { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import type { HealthReport } from '../../core/health.js';
import type { ClientInfo, GatewayEventName } from '../../core/protocol/index.js';
import type { GatewayDeps } from '../app.js';
import type { GatewayNodes } from '../nodes/gateway-nodes.js';

/** Gateway-wide state shared by every request. */
export interface GatewayContext {
  readonly deps: GatewayDeps;
  readonly startedAt: number;
  /** The current config (replaced by config.patch). */
  config(): Config;
  /** Install a new config (after it was validated and written). */
  setConfig(config: Config): void;
  /** Authenticated connections right now. */
  connectionCount(): number;
  /** Probe health now (also refreshes the cached snapshot). */
  probeHealth(): Promise<HealthReport>;
  /** Paired and connected nodes (absent when the gateway has no state dir). */
  nodes?: GatewayNodes;
  /** Broadcast an event to every connected client. */
  broadcast(event: GatewayEventName, payload: unknown): void;
}

/** What one request's handler can see and do. */
export interface RequestContext {
  gateway: GatewayContext;
  connId: string;
  client: ClientInfo;
  role: 'operator' | 'node';
  /** Send an early response with the request's id; the handler's return value follows it. */
  accept(payload: unknown): void;
}

/** One RPC method. */
export interface GatewayMethod<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: string;
  /** Who may call it (default operators only; nodes call node.invoke.result, node.event). */
  roles?: readonly ('operator' | 'node')[];
  /** A node that is not paired yet may call it (node.pair.request only). */
  allowUnpairedNode?: boolean;
  params: P;
  /** The success payload's shape (tests check responses against it; not enforced at runtime). */
  result: R;
  handler(params: z.output<P>, context: RequestContext): z.input<R> | Promise<z.input<R>>;
}

/** Identity helper that infers a method's param and result types. */
export function defineMethod<P extends z.ZodType, R extends z.ZodType>(
  method: GatewayMethod<P, R>,
): GatewayMethod<P, R> {
  return method;
}
