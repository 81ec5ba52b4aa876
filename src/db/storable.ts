/**
 * PostgreSQL refuses two things a JavaScript string may hold: the NUL character (in `text` and in
 * `jsonb`) and UTF-16 surrogates that do not pair up (in `jsonb`). A client can send both, and an
 * audit row must be written whatever the client sent, so such values are stored in an encoded form
 * instead of failing the insert.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** A string as it can be stored: unchanged when it can, else its UTF-16 code units in base64. */
function encodeString(value: string): unknown {
  if (isStorableText(value)) return value;
  return { $encoding: 'utf16le-base64', value: Buffer.from(value, 'utf16le').toString('base64') };
}

/** For `text` columns, which have no room for an object: unstorable characters become `\uXXXX`. */
export function storableText(value: string): string;
export function storableText(value: string | null): string | null;
export function storableText(value: string | null): string | null {
  if (value === null || isStorableText(value)) return value;
  return value.replace(
    // eslint-disable-next-line no-control-regex
    /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A copy of a JSON value that `jsonb` accepts: every unstorable string (keys too) encoded. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[storableText(key)] = storableJson(item);
    return out;
  }
  return value;
}
