/**
 * The wire protocol's frames (OpenClaw gateway protocol, version 3): requests, responses
 * and events over one WebSocket, discriminated on `type`. Field names follow OpenClaw so
 * its clients connect unchanged; the web UI imports these schemas too.
 */
import { z } from 'zod';

/** The protocol version this gateway speaks. */
export const PROTOCOL_VERSION = 3;

const nonEmpty = z.string().min(1);

/** The one error shape of every failed response. */
export const errorShapeSchema = z.object({
  code: nonEmpty,
  message: nonEmpty,
  details: z.unknown().optional(),
  retryable: z.boolean().optional(),
  retryAfterMs: z.number().int().min(0).optional(),
});

/** A client's request. `id` is chosen by the client and echoed on the response. */
export const requestFrameSchema = z.object({
  type: z.literal('req'),
  id: nonEmpty.max(256),
  method: nonEmpty.max(128),
  params: z.unknown().optional(),
});
/** A client's request. */
export type RequestFrame = z.infer<typeof requestFrameSchema>;

/** The answer to one request (a method may answer twice, e.g. `agent`: accepted, then final). */
export const responseFrameSchema = z.object({
  type: z.literal('res'),
  id: nonEmpty,
  ok: z.boolean(),
  payload: z.unknown().optional(),
  error: errorShapeSchema.optional(),
});
/** The answer to one request. */
export type ResponseFrame = z.infer<typeof responseFrameSchema>;

/** Presence and health versions, bumped whenever either changes. */
export const stateVersionSchema = z.object({
  presence: z.number().int().min(0),
  health: z.number().int().min(0),
});
/** Presence and health versions. */
export type StateVersion = z.infer<typeof stateVersionSchema>;

/**
 * A server-pushed event. Broadcast events carry the gateway-wide `seq` (strictly
 * increasing, so a client can detect gaps); per-connection events (`connect.challenge`)
 * carry none.
 */
export const eventFrameSchema = z.object({
  type: z.literal('event'),
  event: nonEmpty,
  payload: z.unknown().optional(),
  seq: z.number().int().min(0).optional(),
  stateVersion: stateVersionSchema.optional(),
});
/** A server-pushed event. */
export type EventFrame = z.infer<typeof eventFrameSchema>;

/** Any frame of the protocol. */
export const gatewayFrameSchema = z.discriminatedUnion('type', [
  requestFrameSchema,
  responseFrameSchema,
  eventFrameSchema,
]);
/** Any frame of the protocol. */
export type GatewayFrame = z.infer<typeof gatewayFrameSchema>;

/** Payload of `connect.challenge`, the first frame the server sends. */
export const connectChallengeSchema = z.object({ nonce: nonEmpty, ts: z.number().int() });

/** The client as it describes itself in `connect`. Ids and modes are free strings (see README). */
export const clientInfoSchema = z.object({
  id: nonEmpty.max(128),
  displayName: nonEmpty.max(256).optional(),
  version: nonEmpty.max(64),
  platform: nonEmpty.max(128),
  deviceFamily: nonEmpty.max(128).optional(),
  modelIdentifier: nonEmpty.max(128).optional(),
  mode: nonEmpty.max(64),
  instanceId: nonEmpty.max(256).optional(),
});
/** The client as it describes itself. */
export type ClientInfo = z.infer<typeof clientInfoSchema>;

/** Params of `connect`, the mandatory first request. */
export const connectParamsSchema = z.object({
  minProtocol: z.number().int().min(1),
  maxProtocol: z.number().int().min(1),
  client: clientInfoSchema,
  caps: z.array(nonEmpty).optional(),
  commands: z.array(nonEmpty).optional(),
  permissions: z.record(nonEmpty, z.boolean()).optional(),
  pathEnv: z.string().optional(),
  role: z.enum(['operator', 'node']).default('operator'),
  scopes: z.array(nonEmpty).max(64).default([]),
  device: z
    .object({
      id: nonEmpty.max(256),
      publicKey: nonEmpty.max(1024),
      signature: nonEmpty.max(256),
      signedAt: z.number().int().min(0),
      nonce: nonEmpty.max(256),
    })
    .optional(),
  auth: z
    .object({
      token: z.string().max(4096).optional(),
      deviceToken: z.string().max(4096).optional(),
      password: z.string().max(4096).optional(),
    })
    .optional(),
  locale: z.string().optional(),
  userAgent: z.string().optional(),
});
/** Params of `connect`. */
export type ConnectParams = z.infer<typeof connectParamsSchema>;

/** One connected client (or the gateway itself) in the presence list. */
export const presenceEntrySchema = z.object({
  host: nonEmpty.optional(),
  ip: nonEmpty.optional(),
  version: nonEmpty.optional(),
  platform: nonEmpty.optional(),
  deviceFamily: nonEmpty.optional(),
  modelIdentifier: nonEmpty.optional(),
  mode: nonEmpty.optional(),
  reason: nonEmpty.optional(),
  text: z.string().optional(),
  ts: z.number().int().min(0),
  deviceId: nonEmpty.optional(),
  roles: z.array(nonEmpty).optional(),
  scopes: z.array(nonEmpty).optional(),
  instanceId: nonEmpty.optional(),
});
/** One presence entry. */
export type PresenceEntry = z.infer<typeof presenceEntrySchema>;

/** Defaults a client needs to address the main session. */
export const sessionDefaultsSchema = z.object({
  defaultAgentId: nonEmpty,
  mainKey: nonEmpty,
  mainSessionKey: nonEmpty,
  scope: nonEmpty.optional(),
});

/** The state a client receives on connect, so it needs no extra round trips. */
export const snapshotSchema = z.object({
  presence: z.array(presenceEntrySchema),
  health: z.unknown(),
  stateVersion: stateVersionSchema,
  uptimeMs: z.number().int().min(0),
  configPath: nonEmpty.optional(),
  stateDir: nonEmpty.optional(),
  sessionDefaults: sessionDefaultsSchema.optional(),
  authMode: z.enum(['none', 'token', 'password']).optional(),
});
/** The connect-time snapshot. */
export type Snapshot = z.infer<typeof snapshotSchema>;

/** Limits the server enforces; a well-behaved client stays within them. */
export const policySchema = z.object({
  maxPayload: z.number().int().min(1),
  maxBufferedBytes: z.number().int().min(1),
  tickIntervalMs: z.number().int().min(1),
});
/** Server limits. */
export type Policy = z.infer<typeof policySchema>;

/** The payload of a successful `connect`. */
export const helloOkSchema = z.object({
  type: z.literal('hello-ok'),
  protocol: z.number().int().min(1),
  server: z.object({ version: nonEmpty, host: nonEmpty.optional(), connId: nonEmpty }),
  features: z.object({ methods: z.array(nonEmpty), events: z.array(nonEmpty) }),
  snapshot: snapshotSchema,
  canvasHostUrl: nonEmpty.optional(),
  policy: policySchema,
});
/** The payload of a successful `connect`. */
export type HelloOk = z.infer<typeof helloOkSchema>;

/** Payload of `tick`, the keepalive event. */
export const tickEventSchema = z.object({ ts: z.number().int().min(0) });

/** Payload of `shutdown`, sent just before the gateway closes every socket with 1012. */
export const shutdownEventSchema = z.object({
  reason: nonEmpty,
  restartExpectedMs: z.number().int().min(0).optional(),
});

/** Payload of `presence`. */
export const presenceEventSchema = z.object({ presence: z.array(presenceEntrySchema) });
