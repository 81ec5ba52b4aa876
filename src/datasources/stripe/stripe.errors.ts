import Stripe from 'stripe';
import { GatewayError, isGatewayError } from '../../errors/gateway-error';

/**
 * The SDK's errors in the gateway's codes, in one place. The client reads a fixed message; Stripe's
 * own message, code and request id go to `details` (logged, never sent).
 */
export function toGatewayError(error: unknown, what: string): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return new GatewayError('UPSTREAM_UNAVAILABLE', `Stripe did not answer (${what}); retry later.`, {
      details: { cause: error.constructor.name },
    });
  }
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    const details = {
      status,
      stripeCode: error.code,
      stripeType: error.type,
      stripeRequestId: error.requestId,
    };
    if (status === 401 || status === 403) {
      return new GatewayError('UPSTREAM_AUTH_FAILED', 'Stripe rejected the platform credentials.', {
        details,
      });
    }
    if (status === 429) {
      return new GatewayError('UPSTREAM_RATE_LIMITED', 'Stripe is rate limiting requests; retry later.', {
        details,
      });
    }
    if (status >= 500 || status === 408 || status === 0) {
      return new GatewayError('UPSTREAM_UNAVAILABLE', 'Stripe is unavailable; retry later.', { details });
    }
    return new GatewayError('UPSTREAM_ERROR', `Stripe refused the request (${what}, HTTP ${status}).`, {
      details,
    });
  }
  return new GatewayError('INTERNAL_SERVER_ERROR', undefined, {
    details: { cause: error instanceof Error ? error.name : typeof error },
  });
}
