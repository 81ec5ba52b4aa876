import { GatewayError } from '../errors/gateway-error';
import { printable } from './input-rules';

/**
 * The one rule for an email address and a phone number a client gives, for every provider (a lookup,
 * a subscription, a draft order). Provider-specific quoting (Klaviyo's filter values) is checked by
 * the provider before these. Messages name the field and never echo the value.
 */

/**
 * A pragmatic address shape, not RFC 5322: one @, a dot in the domain, and none of the characters
 * that would end a quoted filter value, split a list, or change a URL path (`" ' \ ( ) , / ? #`).
 */
const EMAIL = /^[^\s@"'\\(),/?#]{1,64}@[^\s@"'\\(),/?#]+\.[^\s@"'\\(),/?#]+$/;
/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9][0-9]{6,14}$/;
/** What people put between digits: spaces, dots, hyphens and parentheses. */
const PHONE_SEPARATORS = /[\s().-]/g;

/** An email address, trimmed. */
export function email(value: string, field: string): string {
  const trimmed = printable(value, field).trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed))
    throw new GatewayError('BAD_USER_INPUT', `${field} is not a valid email address.`);
  return trimmed;
}

/** A phone number in E.164, separators removed: "+1 (500) 555-0006" becomes "+15005550006". */
export function phone(value: string, field: string): string {
  const compact = printable(value, field).replace(PHONE_SEPARATORS, '');
  if (!E164.test(compact))
    throw new GatewayError('BAD_USER_INPUT', `${field} must be in E.164 form, such as +15005550006.`);
  return compact;
}
