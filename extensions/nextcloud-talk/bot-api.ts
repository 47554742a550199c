/**
 * The Talk calls a bot makes. Messages go to `POST /ocs/v2.php/apps/spreed/api/v1/bot/
 * {token}/message` signed with the shared secret over random + message text (headers
 * X-Nextcloud-Talk-Bot-Random / -Signature, OCS-APIRequest: true); `referenceId` (a sha256
 * hex of the delivery id) lets the message be found again. With `apiUser`/`apiPassword`
 * the conversation's type is read from `GET /ocs/v2.php/apps/spreed/api/v4/room/{token}`
 * (the webhook does not say whether a conversation is one-to-one).
 */
import { createHash } from 'node:crypto';
import { ChannelSendError, type ChatType } from '../../channels/types.js';
import { talkRandom, talkSignature } from './signature.js';

/** Talk's conversation types (constants.md): 1 one-to-one, 5 former one-to-one, 6 note to self. */
const DIRECT_ROOM_TYPES = new Set([1, 5, 6]);

/** The referenceId of one delivery: the same for every retry of it. */
export function referenceIdOf(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('hex');
}

async function talkError(response: Response, what: string): Promise<ChannelSendError> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300) || response.statusText;
  try {
    const body = JSON.parse(text) as { ocs?: { meta?: { message?: string; status?: string } } };
    if (body.ocs?.meta?.message) message = body.ocs.meta.message;
  } catch {
    // Not JSON (a proxy's page): keep the text.
  }
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ChannelSendError(`Nextcloud Talk ${what}: ${status} ${message}`, {
    retryable: status === 429 || status >= 500,
    ...(status === 429
      ? { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 10_000 }
      : {}),
    status,
  });
}

/** Talk's bot API of one Nextcloud server. */
export class TalkBotApi {
  private readonly root: string;
  private readonly roomTypes = new Map<string, ChatType>();

  constructor(
    baseUrl: string,
    private readonly secret: string,
    private readonly apiLogin?: { user: string; password: string },
  ) {
    this.root = baseUrl.replace(/\/+$/, '');
  }

  /** Post a message as the bot; its referenceId serves as its id (Talk answers 201 without one). */
  async sendMessage(input: {
    room: string;
    message: string;
    replyTo?: string;
    deliveryId: string;
  }): Promise<{ referenceId: string }> {
    const random = talkRandom();
    const referenceId = referenceIdOf(input.deliveryId);
    const replyTo = input.replyTo !== undefined ? Number(input.replyTo) : NaN;
    let response: Response;
    try {
      response = await fetch(
        `${this.root}/ocs/v2.php/apps/spreed/api/v1/bot/${encodeURIComponent(input.room)}/message`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'ocs-apirequest': 'true',
            'x-nextcloud-talk-bot-random': random,
            'x-nextcloud-talk-bot-signature': talkSignature(this.secret, random, input.message),
          },
          body: JSON.stringify({
            message: input.message,
            referenceId,
            ...(Number.isInteger(replyTo) ? { replyTo } : {}),
          }),
        },
      );
    } catch (error) {
      throw new ChannelSendError(`Nextcloud Talk send: ${String(error)}`, { retryable: true });
    }
    if (!response.ok) throw await talkError(response, 'send');
    return { referenceId };
  }

  /**
   * Whether a conversation is one-to-one (direct) or a group, asked once per conversation;
   * `group` when no API login is configured or Talk does not say.
   */
  async chatTypeOf(room: string): Promise<ChatType> {
    if (!this.apiLogin) return 'group';
    const known = this.roomTypes.get(room);
    if (known) return known;
    const basic = Buffer.from(`${this.apiLogin.user}:${this.apiLogin.password}`).toString('base64');
    const response = await fetch(
      `${this.root}/ocs/v2.php/apps/spreed/api/v4/room/${encodeURIComponent(room)}`,
      {
        headers: {
          authorization: `Basic ${basic}`,
          accept: 'application/json',
          'ocs-apirequest': 'true',
        },
      },
    );
    if (!response.ok) throw await talkError(response, 'room lookup');
    const body = (await response.json()) as { ocs?: { data?: { type?: number } } };
    const type = body.ocs?.data?.type;
    const chatType: ChatType =
      type !== undefined && DIRECT_ROOM_TYPES.has(type) ? 'direct' : 'group';
    this.roomTypes.set(room, chatType);
    return chatType;
  }
}
