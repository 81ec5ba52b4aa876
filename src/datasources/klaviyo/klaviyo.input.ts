import { GatewayError } from '../../errors/gateway-error';
import * as contact from '../contact-rules';
import { filterValue, printable } from '../input-rules';

/**
 * Checks on what callers give before it reaches a Klaviyo URL or filter expression. Values that go
 * into `filter=equals(field,"value")` are refused if they could break out of the quotes, rather than
 * escaped. https://developers.klaviyo.com/en/docs/filtering_ Control characters are refused before
 * anything is trimmed (src/datasources/input-rules.ts).
 */
const EXTERNAL_ID = /^[A-Za-z0-9_.:@+-]{1,200}$/;
/** List, segment and metric ids are short alphanumerics; profile and campaign ids are ULIDs. */
const KLAVIYO_ID = /^[A-Za-z0-9]{1,64}$/;

export function klaviyoId(kind: string, id: string): string {
  const trimmed = printable(id, `The ${kind} id`).trim();
  if (!KLAVIYO_ID.test(trimmed))
    throw new GatewayError('BAD_USER_INPUT', `"${id.slice(0, 80)}" is not a Klaviyo ${kind} id.`);
  return trimmed;
}

/** The shared email rule, after Klaviyo's own: nothing that could leave a quoted filter value. */
export const email = (value: string): string => contact.email(filterValue(value, 'email'), 'email');

/** Klaviyo stores phone numbers in E.164. https://developers.klaviyo.com/en/docs/collect_email_and_sms_consent_via_api */
export const phoneNumber = (value: string): string =>
  contact.phone(filterValue(value, 'phoneNumber'), 'phoneNumber');

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
