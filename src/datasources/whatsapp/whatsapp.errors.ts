import twilio from 'twilio';
import { GatewayError } from '../../errors/gateway-error';

/**
 * Twilio error codes a client can act on, in our words (https://www.twilio.com/docs/api/errors/<code>).
 * They are the caller's input (a number, a template, a media URL), so BAD_USER_INPUT; any other 4xx
 * is UPSTREAM_ERROR with its code, never Twilio's own message or body.
 */
const INPUT_ERRORS: Record<number, string> = {
  21211: "The shopper's WhatsApp number is not a valid phone number.",
  21212: 'The sending number is not a valid phone number.',
  21606: 'The sending number is not a WhatsApp sender of the Twilio account.',
  63007: 'Twilio has no WhatsApp sender for the sending number; register it as a WhatsApp sender first.',
  21610: 'The shopper has opted out of messages from this number (replied STOP).',
  21617: 'The message is longer than 1600 characters.',
  21620: 'A media URL is not valid or not reachable by Twilio.',
  21655: 'The template id (ContentSid) is not a template of the Twilio account.',
  21656: "The template's variables do not match the template.",
  63016:
    'The shopper has not written in the last 24 hours: WhatsApp only allows an approved template outside its customer-care window.',
};

/** Words for a failed delivery's ErrorCode in a status callback; null when we have none. */
export function describeTwilioErrorCode(code: string | null | undefined): string | null {
  if (!code) return null;
  return (
    INPUT_ERRORS[Number(code)] ??
    `Twilio reported error ${code} (https://www.twilio.com/docs/api/errors/${code}).`
  );
}

const isRestException = (error: unknown): error is twilio.RestException =>
  error instanceof twilio.RestException ||
  (error instanceof Error &&
    error.name === 'RestException' &&
    typeof (error as { status?: unknown }).status === 'number');

/** What the data source needs to know about a failed call, besides the error to throw. */
export interface MappedTwilioError {
  error: GatewayError;
  /** Twilio refused the platform's credentials: the integration's health must say so. */
  authFailed: boolean;
  /** For logs only (status and Twilio's code; never the body). */
  log: { status: number | undefined; twilioCode: number | undefined };
}

/** One place maps Twilio's failures (RestException status and code, network errors) to our codes. */
export function mapTwilioError(error: unknown): MappedTwilioError {
  if (!isRestException(error)) {
    // axios' network errors and timeouts: nothing was answered, so the provider is unavailable.
    return {
      error: new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        'Twilio did not answer in time or is unavailable; retry later.',
      ),
      authFailed: false,
      log: { status: undefined, twilioCode: undefined },
    };
  }
  const { status, code } = error;
  const log = { status, twilioCode: code };
  const details = { details: { status, twilioCode: code } };
  if (status === 401 || status === 403) {
    return {
      error: new GatewayError(
        'UPSTREAM_AUTH_FAILED',
        `Twilio rejected the gateway's credentials (HTTP ${status}). An administrator must check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.`,
        details,
      ),
      authFailed: true,
      log,
    };
  }
  if (status === 429 || code === 20429) {
    return {
      error: new GatewayError(
        'UPSTREAM_RATE_LIMITED',
        'Twilio is rate limiting requests; retry later.',
        details,
      ),
      authFailed: false,
      log,
    };
  }
  if (status >= 500) {
    return {
      error: new GatewayError('UPSTREAM_UNAVAILABLE', 'Twilio is unavailable; retry later.', details),
      authFailed: false,
      log,
    };
  }
  const input = code !== undefined ? INPUT_ERRORS[code] : undefined;
  if (input) {
    return {
      error: new GatewayError('BAD_USER_INPUT', input, { ...details, extensions: { twilioCode: code } }),
      authFailed: false,
      log,
    };
  }
  if (status === 404) {
    return {
      error: new GatewayError('NOT_FOUND', 'Twilio has no such resource.', details),
      authFailed: false,
      log,
    };
  }
  return {
    error: new GatewayError(
      'UPSTREAM_ERROR',
      `Twilio refused the request (HTTP ${status}${code ? `, Twilio error ${code}: https://www.twilio.com/docs/api/errors/${code}` : ''}).`,
      { ...details, ...(code ? { extensions: { twilioCode: code } } : {}) },
    ),
    authFailed: false,
    log,
  };
}
