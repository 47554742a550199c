// The HTTP half of the fake's Events API: Slack POSTs each event to the app's Request URL as
// JSON, signed with the app's signing secret (X-Slack-Signature: v0=<hex HMAC-SHA256 of
// "v0:<timestamp>:<body>">, X-Slack-Request-Timestamp), and retries when the app does not
// answer 2xx within 3 seconds, adding X-Slack-Retry-Num and X-Slack-Retry-Reason.
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { postWebhook } from '../http-fake.js';

/** One POST the fake made to the Request URL. */
export interface HttpDelivery {
  eventId: string;
  retryNum: number;
  /** HTTP status the app answered, or undefined when it timed out or the request failed. */
  status?: number;
  error?: string;
}

/** Events API over HTTP knobs. */
export interface EventsHttpOptions {
  signingSecret: string;
  /** How long Slack waits for the app's answer (3 s at Slack). */
  ackTimeoutMs: number;
  /** Pause before each retry (Slack: nearly at once, after 1 minute, after 5 minutes). */
  retryDelaysMs: number[];
}

/** Signature headers for `body` sent at `timestamp` (seconds), as Slack computes them. */
export function slackSignatureHeaders(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${digest}`,
  };
}

/** Delivers Events API payloads to a Request URL. */
export class FakeEventsHttp {
  /** The app's Request URL; events are only sent while it is set. */
  requestUrl: string | undefined;
  readonly deliveries: HttpDelivery[] = [];
  private closed = false;

  constructor(private readonly options: EventsHttpOptions) {}

  /** Deliver one payload, retrying as Slack does; resolves true once the app answered 2xx. */
  async push(payload: Record<string, unknown>): Promise<boolean> {
    const eventId = typeof payload.event_id === 'string' ? payload.event_id : randomUUID();
    for (let retryNum = 0; retryNum <= this.options.retryDelaysMs.length; retryNum++) {
      if (retryNum > 0) await sleep(this.options.retryDelaysMs[retryNum - 1] ?? 0);
      if (this.closed) return false;
      const previous = this.deliveries.at(-1);
      const reason = previous?.status === undefined ? 'http_timeout' : 'http_error';
      const delivery = await this.post(payload, eventId, retryNum, reason);
      if (delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300) {
        return true;
      }
    }
    return false;
  }

  /** One signed POST (a retry when retryNum > 0); `signingSecret` overrides the real one. */
  async post(
    payload: Record<string, unknown>,
    eventId = typeof payload.event_id === 'string' ? payload.event_id : '',
    retryNum = 0,
    retryReason = 'http_timeout',
    signingSecret = this.options.signingSecret,
  ): Promise<HttpDelivery> {
    const delivery: HttpDelivery = { eventId, retryNum };
    this.deliveries.push(delivery);
    if (!this.requestUrl) {
      delivery.error = 'no request URL';
      return delivery;
    }
    const body = JSON.stringify(payload);
    try {
      const response = await fetch(this.requestUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...slackSignatureHeaders(signingSecret, body),
          ...(retryNum > 0
            ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': retryReason }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(this.options.ackTimeoutMs),
      });
      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    return delivery;
  }

  /** The url_verification handshake Slack does when a Request URL is saved. */
  async verifyUrl(): Promise<boolean> {
    if (!this.requestUrl) return false;
    const challenge = randomUUID();
    const body = JSON.stringify({ token: 'fake', challenge, type: 'url_verification' });
    const answer = await postWebhook(this.requestUrl, body, {
      'content-type': 'application/json',
      ...slackSignatureHeaders(this.options.signingSecret, body),
    });
    if (answer.status < 200 || answer.status > 299) return false;
    try {
      return (JSON.parse(answer.body) as { challenge?: string }).challenge === challenge;
    } catch {
      return answer.body === challenge;
    }
  }

  /** Stop retrying. */
  close(): void {
    this.closed = true;
  }
}
