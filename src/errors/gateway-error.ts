import { ERROR_CODES, type ErrorCode } from './codes';

/**
 * The gateway's one error type, raised anywhere below the GraphQL layer (data sources, services,
 * webhook workers, jobs): a domain error with a stable code, no GraphQL shape. The GraphQL edge
 * (errors/format-error.ts) turns it into the client's error. Its message is written for the client
 * and must never contain an upstream body, a credential or a stack trace; `details` are logged,
 * never sent.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** What a client may read besides the message: always `code`, sometimes e.g. `retryAfterMs`. */
  readonly extensions: Record<string, unknown> & { code: ErrorCode };

  constructor(
    code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    options: { details?: Record<string, unknown>; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.details = options.details;
    this.extensions = { ...options.extensions, code };
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
