import { GatewayError } from '../errors/gateway-error';

/**
 * The rules every client value obeys before it reaches a provider, in one place. Each provider's own
 * checks (an email's shape, an id's alphabet) come after these; these only refuse what no provider
 * value may hold, so a forgotten shape check cannot forward a NUL upstream as `%00` or end a filter
 * expression early. Messages name the field and never echo the value.
 */

/** C0 and C1 control characters and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, less tab, line feed and carriage return, which free text may hold. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Characters that would end or escape a quoted value in Klaviyo's filter syntax or Shopify's search syntax. */
const FILTER_BREAKERS = /["'\\]/;
/** Characters that would change which resource a path segment names. */
const PATH_BREAKERS = /[/?#%\\]/;

const refuse = (field: string, why: string): never => {
  throw new GatewayError('BAD_USER_INPUT', `${field} ${why}`);
};

/** An identifier or lookup value: no control character at all (not even a trailing newline). */
export function printable(value: string, field: string): string {
  if (CONTROL.test(value)) refuse(field, 'must not contain control characters.');
  return value;
}

/**
 * Text a person wrote (a note, a title, a search): tabs and line breaks are kept, every other control
 * character, NUL first (PostgreSQL cannot store it and no provider means anything by it), is refused.
 */
export function freeText(value: string, field: string): string {
  if (CONTROL_IN_TEXT.test(value))
    refuse(field, 'must not contain control characters other than tab and line breaks.');
  return value;
}

/** A value placed between quotes in a provider's filter or search expression. */
export function filterValue(value: string, field: string): string {
  printable(value, field);
  if (FILTER_BREAKERS.test(value)) refuse(field, 'must not contain quotes or backslashes.');
  return value;
}

/** A value that becomes one segment of a provider URL path. */
export function pathSegment(value: string, field: string): string {
  printable(value, field);
  if (value === '' || value === '.' || value === '..' || value.includes('..') || PATH_BREAKERS.test(value))
    refuse(field, 'is not a valid identifier.');
  return value;
}

/**
 * Free-form JSON a caller passes through (event or profile properties): every key and string value,
 * at any depth, follows {@link freeText}.
 */
export function freeJson(value: unknown, field: string, depth = 0): void {
  if (depth > 32) refuse(field, 'is nested too deeply.');
  if (typeof value === 'string') freeText(value, field);
  else if (Array.isArray(value)) for (const item of value) freeJson(item, field, depth + 1);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      freeText(key, field);
      freeJson(item, field, depth + 1);
    }
  }
}

/**
 * Every string in an account identifier, at any depth, follows {@link printable}: identifiers are
 * checked before trimming, so "mystore\n" is refused rather than quietly read as "mystore".
 */
export function printableDeep(value: unknown, field: string, depth = 0): void {
  if (depth > 8) refuse(field, 'is nested too deeply.');
  if (typeof value === 'string') printable(value, field);
  else if (Array.isArray(value)) for (const item of value) printableDeep(item, field, depth + 1);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      printable(key, field);
      printableDeep(item, key, depth + 1);
    }
  }
}
