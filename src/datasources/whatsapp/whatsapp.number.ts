/**
 * WhatsApp numbers as the gateway stores them: bare E.164 (`+14155238886`). Twilio addresses them as
 * `whatsapp:+E164`; people type spaces, dots, dashes and brackets.
 */
export const normalizeNumber = (value: string): string =>
  value
    .trim()
    .replace(/^whatsapp:/i, '')
    .replace(/[\s().-]/g, '');

/** TWILIO_WHATSAPP_NUMBER normalized like an organization's business number. */
export const sharedNumber = (env: { TWILIO_WHATSAPP_NUMBER: string }): string =>
  normalizeNumber(env.TWILIO_WHATSAPP_NUMBER);
