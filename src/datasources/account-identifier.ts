import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error';
import { printableDeep } from './input-rules';

/**
 * Validates an organization's account identifier with the provider's schema and turns a failure into
 * BAD_USER_INPUT. Runs before any network call: an identifier becomes part of a provider URL, so
 * nothing that could change the host or the path may pass. Control characters are refused before
 * the schema trims anything.
 */
export function parseAccount<T>(schema: z.ZodType<T>, input: unknown, providerName: string): T {
  printableDeep(input, `The ${providerName} account identifier`);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((issue) => issue.message).join('; ');
  throw new GatewayError('BAD_USER_INPUT', `Invalid ${providerName} account identifier: ${reasons}`);
}

/** A DNS label we put in front of a provider's domain: lowercase letters, digits and inner hyphens. */
export const DNS_LABEL = /^[a-z0-9][a-z0-9-]{0,62}$/;
