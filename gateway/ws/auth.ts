/**
 * Who may connect: the shared token or password of `gateway.auth` (the env var
 * CLAWDBOT_GATEWAY_TOKEN is already folded into the config by the loader), compared
 * in constant time; with no auth configured, only direct loopback peers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import type { ConnectParams } from '../../core/protocol/index.js';

/** Which shared secret the gateway expects. */
export type AuthMode = 'none' | 'token' | 'password';

/** The auth mode a config implies (a token wins when both are set; either is accepted). */
export function authModeOf(config: Config): AuthMode {
  if (config.gateway.auth.token !== undefined) return 'token';
  if (config.gateway.auth.password !== undefined) return 'password';
  return 'none';
}

/** Whether an address is loopback (127/8, ::1, or IPv4-mapped 127/8). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (bare === '::1' || bare === 'localhost') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

const PROXY_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'];

/**
 * A direct loopback peer. A loopback peer that sends proxy headers is a reverse proxy
 * relaying someone else, so it does not count as local (else the proxy would let
 * anyone in without credentials).
 */
export function isLocalRequest(request: IncomingMessage): boolean {
  if (PROXY_HEADERS.some((name) => request.headers[name] !== undefined)) return false;
  // A web page on another site can reach 127.0.0.1 from the user's browser: its Origin (or,
  // after DNS rebinding, its Host) names that site. Only loopback names count as local.
  if (!isLoopbackHostHeader(request.headers.host)) return false;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    try {
      if (!isLoopbackHostHeader(new URL(origin).host)) return false;
    } catch {
      return false;
    }
  } else if (origin === 'null') {
    return false;
  }
  return isLoopbackAddress(request.socket.remoteAddress);
}

/** A Host header (or URL host) that names this machine's loopback interface. */
function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return true; // HTTP/1.0 clients and raw sockets send none
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isLoopbackAddress(name);
}

/**
 * Refuse to serve a non-loopback address without auth. The lead calls this before
 * `listen`; it throws CONFIG_INVALID with the fix in the message.
 */
export function assertSafeBind(config: Config): void {
  const bind = config.gateway.bind;
  if (isLoopbackAddress(bind) || authModeOf(config) !== 'none') return;
  throw new ClawdbotError(
    'CONFIG_INVALID',
    `Refusing to bind the gateway to ${bind} without auth: anyone who can reach it could ` +
      'run the agent. Set gateway.auth.token (or CLAWDBOT_GATEWAY_TOKEN) or ' +
      'gateway.auth.password, or bind to 127.0.0.1.',
    { bind },
  );
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Check a bearer credential on an HTTP upgrade (workers publishing events): the gateway
 * token or password, or nothing from a direct loopback peer when no auth is configured.
 */
export function verifyBearer(config: Config, request: IncomingMessage): boolean {
  const { token, password } = config.gateway.auth;
  if (token === undefined && password === undefined) return isLocalRequest(request);
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (given === '') return false;
  // Both compared (no short-circuit on which one is set) so timing says nothing either.
  const tokenOk = token !== undefined && sameSecret(given, token);
  const passwordOk = password !== undefined && sameSecret(given, password);
  return tokenOk || passwordOk;
}

/** Why a connect was refused, in OpenClaw's words (its clients branch on `detailCode`). */
export interface AuthFailure {
  ok: false;
  reason: string;
  /** OpenClaw's `details.code` (AUTH_TOKEN_MISMATCH, PAIRING_REQUIRED, ...). */
  detailCode: string;
  message: string;
  /** NOT_PAIRED for device-only credentials; INVALID_REQUEST otherwise (as OpenClaw). */
  code: 'INVALID_REQUEST' | 'NOT_PAIRED';
}

/** The outcome of checking a connect's credentials. */
export type AuthResult = { ok: true; method: 'token' | 'password' | 'local' } | AuthFailure;

function fail(reason: string, detailCode: string, message: string): AuthFailure {
  return { ok: false, reason, detailCode, message, code: 'INVALID_REQUEST' };
}

/** Check a connect's credentials against the config. */
export function authorizeConnect(
  config: Config,
  params: Pick<ConnectParams, 'auth' | 'device'>,
  isLocal: boolean,
): AuthResult {
  const { token, password } = config.gateway.auth;
  const given = params.auth ?? {};
  if (token === undefined && password === undefined) {
    if (isLocal) return { ok: true, method: 'local' };
    return fail(
      'auth_not_configured',
      'AUTH_TOKEN_NOT_CONFIGURED',
      'unauthorized: gateway auth not configured; connect from loopback or set gateway.auth.token',
    );
  }
  if (token !== undefined && given.token) {
    return sameSecret(given.token, token)
      ? { ok: true, method: 'token' }
      : fail('token_mismatch', 'AUTH_TOKEN_MISMATCH', 'unauthorized: gateway token mismatch');
  }
  if (password !== undefined && given.password) {
    return sameSecret(given.password, password)
      ? { ok: true, method: 'password' }
      : fail(
          'password_mismatch',
          'AUTH_PASSWORD_MISMATCH',
          'unauthorized: gateway password mismatch',
        );
  }
  // A device identity alone would need a pairing store, which ClawdBot does not have.
  if (params.device !== undefined || given.deviceToken) {
    return {
      ok: false,
      reason: 'not_paired',
      detailCode: 'PAIRING_REQUIRED',
      message: 'device is not paired with this gateway; connect with the gateway token',
      code: 'NOT_PAIRED',
    };
  }
  return token !== undefined
    ? fail('token_missing', 'AUTH_TOKEN_MISSING', 'unauthorized: gateway token missing')
    : fail('password_missing', 'AUTH_PASSWORD_MISSING', 'unauthorized: gateway password missing');
}
