import { GraphQLError } from 'graphql';
import { ERROR_CODES, type ErrorCode } from './codes';

/**
 * The gateway's one error type. Its message is written for the client and must never contain an
 * upstream body, a credential or a stack trace; `details` are logged, never sent.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    options: { details?: Record<string, unknown>; extensions?: Record<string, unknown> } = {},
  ) {
    super(message, { extensions: { ...options.extensions, code } });
    this.name = 'GatewayError';
    this.code = code;
    this.details = options.details;
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
