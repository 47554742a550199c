/** The voice-call plugin's errors: stable codes the tool and the gateway methods report. */

export const voiceCallErrorCodes = {
  NO_NUMBER: 'No number to call: name one, or set toNumber in the plugin config.',
  NUMBER_NOT_ALLOWED: 'The number is not in allowTo (nor the configured toNumber).',
  CALL_NOT_FOUND: 'No call has this id.',
  CALL_NOT_ACTIVE: 'The call has ended, or was never connected: it cannot be spoken to.',
  PROVIDER_FAILED: 'Twilio refused the request or could not be reached.',
} as const;

export type VoiceCallErrorCode = keyof typeof voiceCallErrorCodes;

/** A voice call operation that cannot be done as asked (a retry would not help). */
export class VoiceCallError extends Error {
  override readonly name = 'VoiceCallError';
  constructor(
    readonly code: VoiceCallErrorCode,
    message: string = voiceCallErrorCodes[code],
  ) {
    super(message);
  }
}
