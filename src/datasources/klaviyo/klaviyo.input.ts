import { GatewayError } from '../../errors/gateway-error';
import { filterValue, printable } from '../input-rules';

/**
 * Checks on what callers give before it reaches a Klaviyo URL or filter expression. Values that go
 * into `filter=equals(field,"value")` are refused if they could break out of the quotes, rather than
 * escaped. https://developers.klaviyo.com/en/docs/filtering_ Control characters are refused before
 * anything is trimmed (src/datasources/input-rules.ts).
 */
const EMAIL = /^[^\s@"'\\(),]{1,64}@[^\s@"'\\(),]+\.[^\s@"'\\(),]+$/;
/** Klaviyo stores phone numbers in E.164. https://developers.klaviyo.com/en/docs/collect_email_and_sms_consent_via_api */
const E164 = /^\+[1-9][0-9]{6,14}$/;
const EXTERNAL_ID = /^[A-Za-z0-9_.:@+-]{1,200}$/;
/** List, segment and metric ids are short alphanumerics; profile and campaign ids are ULIDs. */
const KLAVIYO_ID = /^[A-Za-z0-9]{1,64}$/;

export function klaviyoId(kind: string, id: string): string {
  const trimmed = printable(id, `The ${kind} id`).trim();
  if (!KLAVIYO_ID.test(trimmed))
    throw new GatewayError('BAD_USER_INPUT', `"${id.slice(0, 80)}" is not a Klaviyo ${kind} id.`);
  return trimmed;
}

export function email(value: string): string {
  const trimmed = filterValue(value, 'email').trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed))
    throw new GatewayError('BAD_USER_INPUT', 'email is not a valid email address.');
  return trimmed;
}

export function phoneNumber(value: string): string {
  const compact = filterValue(value, 'phoneNumber').replace(/[\s().-]/g, '');
  if (!E164.test(compact))
    throw new GatewayError('BAD_USER_INPUT', 'phoneNumber must be in E.164 form, such as +15005550006.');
  return compact;
}

export function externalId(value: string): string {
  const trimmed = filterValue(value, 'externalId').trim();
  if (!EXTERNAL_ID.test(trimmed)) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      'externalId may hold up to 200 letters, digits and _ . : @ + -.',
    );
  }
  return trimmed;
}

/** Optional identifiers: undefined when absent, validated when present. */
export const optional = <T>(value: T | null | undefined, check: (v: T) => T): T | undefined =>
  value === null || value === undefined ? undefined : check(value);
