/** Attachments as OpenClaw clients send them, turned into the agent's inbound shape. */
import { ClawdbotError } from '../../core/errors.js';
import type { AttachmentParam } from '../../core/protocol/index.js';
import type { InboundMessage } from '../../core/agent/agent-service.js';

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Images only (what the models accept); anything else is INVALID_REQUEST. */
export function toInboundAttachments(
  attachments: AttachmentParam[] | undefined,
): InboundMessage['attachments'] {
  if (attachments === undefined || attachments.length === 0) return undefined;
  return attachments.map((attachment, index) => {
    const dataUrl = DATA_URL.exec(attachment.content);
    const mimeType = attachment.mimeType ?? dataUrl?.[1];
    const data = dataUrl?.[2] ?? attachment.content;
    if (mimeType === undefined || !mimeType.startsWith('image/')) {
      throw new ClawdbotError('INVALID_REQUEST', `attachment ${index}: only images are supported`, {
        index,
        mimeType,
      });
    }
    return { type: 'image' as const, mimeType, data };
  });
}
