/**
 * One hook path's route: check the token, pick the mapping, render the session key and
 * the message from the request, and queue the message on its session. Answers 202 with
 * the run id; a redelivery of a request id answers 200 with the same run and starts
 * nothing; 401 without the right token.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { InboundMessage } from '../../core/agent/agent-service.js';
import { wrapUntrusted } from '../../core/security/untrusted.js';
import { normalizeSessionKey } from '../../core/sessions/index.js';
import type { PluginHttpRequest, PluginHttpRoute } from '../../core/plugins/types.js';
import type { Logger } from '../../core/logger.js';
import { RequestClaims } from './request-claims.js';
import { renderTemplate, sessionKeyPart, type TemplateScope } from './template.js';

/** One entry of `mappings`, after the manifest's defaults. */
export interface HookMapping {
  id?: string;
  match: { path: string; source?: string };
  action?: 'agent';
  name?: string;
  token?: string;
  sessionKey?: string;
  messageTemplate: string;
  idTemplate?: string;
  deliver?: boolean;
  channel?: string;
  to?: string;
  accountId?: string;
  allowUnsafeExternalContent?: boolean;
}

/** Headers senders commonly put a delivery id in, tried in order. */
const idHeaders = ['idempotency-key', 'x-request-id', 'webhook-id', 'x-github-delivery'];

type Answer = Awaited<ReturnType<PluginHttpRoute['handler']>>;

const answer = (status: number, body: Record<string, unknown>): Answer => ({ status, body });

function header(request: PluginHttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token the request carries, if any (a token in the URL is refused: URLs get logged). */
function presentedToken(request: PluginHttpRequest): string | undefined {
  const authorization = header(request, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return bearer ?? header(request, 'x-clawdbot-token');
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's own id, when it has one: what a redelivery repeats. */
function requestId(mapping: HookMapping, request: PluginHttpRequest, scope: TemplateScope) {
  if (mapping.idTemplate !== undefined)
    return renderTemplate(mapping.idTemplate, scope) || undefined;
  for (const name of idHeaders) {
    const value = header(request, name);
    if (value) return value;
  }
  const id = (scope.body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** What a hook route needs. */
export interface HookRouteOptions {
  /** The mappings of this path, in config order (the first whose `source` fits wins). */
  mappings: HookMapping[];
  token: string;
  agentId: string;
  claims: RequestClaims;
  logger: Logger;
}

/** The route handler for one hook path. */
export function hookHandler(options: HookRouteOptions): PluginHttpRoute['handler'] {
  return async (request) => {
    if (request.query.token !== undefined)
      return answer(400, {
        error: 'put the token in a header (Authorization: Bearer), not the URL',
      });
    const presented = presentedToken(request);
    let body: unknown;
    try {
      body = request.rawBody.length === 0 ? {} : JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      // The token is checked before saying anything about the body.
      if (
        !presented ||
        !options.mappings.some((m) => sameSecret(presented, m.token ?? options.token))
      )
        return answer(401, { error: 'missing or wrong hook token' });
      return answer(400, { error: 'the body is not JSON' });
    }
    const source = (body as { source?: unknown } | null)?.source;
    const mapping = options.mappings.find(
      (candidate) => candidate.match.source === undefined || candidate.match.source === source,
    );
    if (!presented || !sameSecret(presented, mapping?.token ?? options.token))
      return answer(401, { error: 'missing or wrong hook token' });
    if (!mapping) return answer(404, { error: `no hook for source "${String(source)}"` });
    if (!request.agent) return answer(503, { error: 'the agent runtime is not available' });

    const scope: TemplateScope = {
      body,
      headers: request.headers,
      query: request.query,
      path: mapping.match.path,
      id: '',
      now: new Date().toISOString(),
    };
    const given = requestId(mapping, request, scope);
    // Without an id of its own a request cannot be recognised again: each is new.
    scope.id = given ?? randomUUID();
    const key = RequestClaims.key(mapping.match.path, scope.id);
    const runId = `hook-${key}`;
    const sessionTemplate =
      mapping.sessionKey ?? `hook:${mapping.match.path.replace(/\//g, ':')}:{{id}}`;
    let sessionKey: string;
    try {
      sessionKey = normalizeSessionKey(
        renderTemplate(sessionTemplate, scope, sessionKeyPart),
        options.agentId,
      );
    } catch (error) {
      return answer(400, {
        error: `the session key does not work out: ${(error as Error).message}`,
      });
    }
    const taken = options.claims.take(key, { runId, sessionKey, receivedAt: Date.now() });
    if (!taken.first)
      return answer(200, {
        ok: true,
        duplicate: true,
        runId: taken.claim.runId,
        sessionKey: taken.claim.sessionKey,
      });

    const rendered = renderTemplate(mapping.messageTemplate, scope);
    const named = mapping.name ? `[${mapping.name}] ${rendered}` : rendered;
    const delivery =
      mapping.deliver && mapping.channel && mapping.to
        ? {
            channel: mapping.channel,
            accountId: mapping.accountId ?? 'default',
            chatType: 'direct' as const,
            chatId: renderTemplate(mapping.to, scope),
            platformMessageId: '',
          }
        : undefined;
    // What a hook brings is someone else's text. A delivered turn is wrapped by the turn
    // itself (its chat is not the owner's); an undelivered one is wrapped here.
    const text =
      delivery || mapping.allowUnsafeExternalContent
        ? named
        : wrapUntrusted(named, `webhook ${mapping.name ?? mapping.match.path}`);
    const message: InboundMessage = {
      messageId: runId,
      text,
      channel: 'webhook',
      receivedAt: Date.now(),
      ...(delivery ? { delivery } : {}),
    };
    try {
      const { runId: started } = await request.agent.send(sessionKey, message);
      options.logger.info(
        `hook ${mapping.id ?? mapping.match.path}: run ${started} in ${sessionKey}`,
      );
      return answer(202, { ok: true, runId: started, sessionKey });
    } catch (error) {
      // Not started: the sender's retry must be able to try again.
      options.claims.release(key);
      return answer(503, { error: `could not start the turn: ${(error as Error).message}` });
    }
  };
}
