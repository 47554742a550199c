/**
 * The Cloud API webhook's `messages` change → ChannelInbound. Every WhatsApp chat a bot
 * has is a 1:1 chat with a user (the Cloud API has no groups for business numbers), keyed
 * by the user's `wa_id`. Text, captions, locations and button answers become text; images,
 * stickers, documents, audio and video become attachments fetched by media id only when
 * the runtime asks.
 */
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';

/** The webhook body Meta posts (`object: "whatsapp_business_account"`). */
export interface WebhookBody {
  object?: string;
  entry?: { id?: string; changes?: { field?: string; value?: ChangeValue }[] }[];
}

/** `entry[].changes[].value` of the `messages` field. */
export interface ChangeValue {
  messaging_product?: string;
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WhatsAppMessage[];
  statuses?: unknown[];
}

interface MediaObject {
  id: string;
  mime_type?: string;
  caption?: string;
  filename?: string;
}

/** One inbound message as the webhook carries it. */
export interface WhatsAppMessage {
  id: string;
  from: string;
  timestamp?: string;
  type: string;
  context?: { from?: string; id?: string };
  text?: { body?: string };
  image?: MediaObject;
  sticker?: MediaObject;
  document?: MediaObject;
  audio?: MediaObject & { voice?: boolean };
  video?: MediaObject;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  button?: { text?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
  reaction?: { emoji?: string; message_id?: string };
}

/** Fetches a received media's bytes by media id. */
export type MediaDownloader = (mediaId: string) => ReturnType<InboundAttachment['download']>;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'audio/ogg': '.ogg',
  'audio/mpeg': '.mp3',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
  'audio/amr': '.amr',
  'video/mp4': '.mp4',
  'video/3gpp': '.3gp',
  'application/pdf': '.pdf',
};

const extensionOf = (mimeType: string | undefined) =>
  EXTENSIONS[mimeType?.split(';')[0]?.trim() ?? ''] ?? '.bin';

function attachmentOf(
  kind: InboundAttachment['kind'],
  media: MediaObject,
  label: string,
  download: MediaDownloader,
): InboundAttachment {
  return {
    kind,
    fileName: media.filename ?? `${label}-${media.id}${extensionOf(media.mime_type)}`,
    ...(media.mime_type ? { mimeType: media.mime_type.split(';')[0]!.trim() } : {}),
    download: () => download(media.id),
  };
}

/** Text and attachments of a message; undefined for kinds a turn cannot answer. */
function contentOf(
  message: WhatsAppMessage,
  download: MediaDownloader,
): { text: string; attachments: InboundAttachment[] } | undefined {
  switch (message.type) {
    case 'text':
      return { text: message.text?.body ?? '', attachments: [] };
    case 'image':
    case 'sticker': {
      const media = message.image ?? message.sticker;
      if (!media) return undefined;
      return {
        text: media.caption ?? '',
        attachments: [attachmentOf('image', media, message.type, download)],
      };
    }
    case 'document':
      return message.document
        ? {
            text: message.document.caption ?? '',
            attachments: [attachmentOf('file', message.document, 'document', download)],
          }
        : undefined;
    case 'audio':
      return message.audio
        ? {
            text: message.audio.voice ? '[voice message]' : '',
            attachments: [attachmentOf('audio', message.audio, 'audio', download)],
          }
        : undefined;
    case 'video':
      return message.video
        ? {
            text: message.video.caption ?? '',
            attachments: [attachmentOf('video', message.video, 'video', download)],
          }
        : undefined;
    case 'location': {
      const place = message.location;
      if (!place) return undefined;
      const name = [place.name, place.address].filter(Boolean).join(', ');
      return {
        text: `[location${name ? ` ${name}` : ''}: ${place.latitude}, ${place.longitude}]`,
        attachments: [],
      };
    }
    case 'button':
      return { text: message.button?.text ?? '', attachments: [] };
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return reply?.title ? { text: reply.title, attachments: [] } : undefined;
    }
    default:
      // Reactions, unsupported and system messages start no turn.
      return undefined;
  }
}

/** Normalize one message of a `messages` change; undefined when it starts no turn. */
export function normalizeMessage(
  message: WhatsAppMessage,
  value: ChangeValue,
  accountId: string,
  download: MediaDownloader,
): ChannelInbound | undefined {
  const content = contentOf(message, download);
  if (!content) return undefined;
  const senderName = value.contacts?.find((contact) => contact.wa_id === message.from)?.profile
    ?.name;
  const seconds = Number(message.timestamp);
  return {
    accountId,
    chatType: 'direct',
    chatId: message.from,
    senderId: message.from,
    ...(senderName ? { senderName } : {}),
    text: content.text,
    ...(content.attachments.length > 0 ? { attachments: content.attachments } : {}),
    platformMessageId: message.id,
    mentioned: false,
    ...(message.context?.id ? { replyToMessageId: message.context.id } : {}),
    ...(Number.isFinite(seconds) && seconds > 0 ? { sentAt: seconds * 1000 } : {}),
  };
}
