import { GatewayError } from '../errors/gateway-error';

/**
 * A provider's NOT_FOUND on a lookup by id means "no such object": GraphQL lookups answer null for
 * that, not an error.
 */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}
