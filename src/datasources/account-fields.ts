import { z } from 'zod';

/**
 * What an organization types to connect a provider, as data: the integrations page, the docs and
 * clients read it through the `providers` query instead of spelling each identifier out again, and
 * the server validates with the very same pattern.
 */
export interface AccountFieldSpec {
  /** The input field and the key in `integrations.account_identifier`. */
  name: string;
  title: string;
  description: string;
  example: string;
  /**
   * What may be typed, after trimming surrounding spaces: a JavaScript regular expression, matched
   * case-insensitively (flag `i`).
   */
  pattern: string;
  /** Why a value that does not match is refused, in words. */
  message: string;
  /** The stored, canonical form of an accepted value (e.g. a pasted domain reduced to the store name). */
  normalize?: (value: string) => string;
}

/** The zod schema of an account made of these fields: trim, match the pattern, normalize. */
export function accountSchema(fields: readonly AccountFieldSpec[]) {
  return z.object(
    Object.fromEntries(
      fields.map((field) => [
        field.name,
        z
          .string()
          .trim()
          .regex(new RegExp(field.pattern, 'i'), field.message)
          .transform((value) => (field.normalize ? field.normalize(value) : value)),
      ]),
    ),
  );
}
