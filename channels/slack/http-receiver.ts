import {
  verifySlackRequest,
  type App,
  type Logger as BoltLogger,
  type Receiver,
} from '@slack/bolt';
import type { ChannelHttpRoute } from '../types.js';

/** Where the receiver's route goes: the gateway's HTTP server. */
export interface GatewayReceiverOptions {
  path: string;
  signingSecret: string;
  logger: BoltLogger;
  registerHttpRoute: ((route: ChannelHttpRoute) => boolean) | undefined;
}

type RouteRequest = Parameters<ChannelHttpRoute['handler']>[0];
type RouteResponse = Awaited<ReturnType<ChannelHttpRoute['handler']>>;

/**
 * Events API over HTTP on the gateway's own port: a bolt Receiver whose route is registered
 * on the gateway instead of bolt's own HTTP server. Each request's signature is checked with
 * bolt's verifySlackRequest (v0 HMAC-SHA256 of "v0:<timestamp>:<raw body>", five-minute
 * window), and the 200 goes back only after the listeners handed the message over — Slack
 * retries anything else (X-Slack-Retry-Num), and the message id turns a retry that raced the
 * first delivery into a duplicate.
 */
export class GatewayEventsReceiver implements Receiver {
  private app: App | undefined;
  private running = false;
  private registered = false;

  constructor(private readonly options: GatewayReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    this.running = true;
    // One receiver per start of the account; the channel manager drops its routes on stop.
    if (!this.registered) {
      const registered = this.options.registerHttpRoute?.({
        method: 'POST',
        path: this.options.path,
        handler: (request) => this.handle(request),
      });
      if (!registered) {
        return Promise.reject(
          new Error(
            `Slack http mode: cannot serve ${this.options.path} on the gateway (another account uses the path, or this process serves no HTTP)`,
          ),
        );
      }
      this.registered = true;
    }
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.running = false;
    return Promise.resolve();
  }

  private async handle(request: RouteRequest): Promise<RouteResponse> {
    // A stopped account answers 503: Slack retries later, maybe to a running gateway.
    if (!this.running || !this.app) return { status: 503, body: 'not running' };
    const rawBody = request.rawBody.toString('utf8');
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: rawBody,
        headers: {
          'x-slack-signature': header(request, 'x-slack-signature') ?? '',
          'x-slack-request-timestamp': Number(header(request, 'x-slack-request-timestamp')),
        },
      });
    } catch (error) {
      this.options.logger.warn('refused an Events API request:', error);
      return { status: 401, body: 'invalid signature' };
    }
    const body = parseBody(rawBody, header(request, 'content-type') ?? '');
    if (!body) return { status: 400, body: 'unreadable body' };
    if (body.type === 'url_verification')
      return { status: 200, body: { challenge: body.challenge } };
    if (body.ssl_check) return { status: 200 };
    const retryNum = Number(header(request, 'x-slack-retry-num'));
    const retryReason = header(request, 'x-slack-retry-reason');
    let response: unknown;
    try {
      await this.app.processEvent({
        body,
        ack: (reply?: unknown) => {
          response = reply;
          return Promise.resolve();
        },
        ...(Number.isInteger(retryNum) ? { retryNum } : {}),
        ...(retryReason ? { retryReason } : {}),
      });
    } catch (error) {
      this.options.logger.warn('an event was not handed over; Slack will retry it:', error);
      return { status: 500, body: 'not processed' };
    }
    return response === undefined ? { status: 200 } : { status: 200, body: response };
  }
}

function header(request: RouteRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Events come as JSON; interactivity and slash commands as forms (payload= JSON or fields). */
function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      return payload ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(form);
    }
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
