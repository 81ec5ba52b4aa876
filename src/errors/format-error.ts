import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isErrorCode } from './codes';
import { isGatewayError, type GatewayError } from './gateway-error';

/** Codes that Apollo/graphql-js produce themselves for malformed requests; safe to pass through. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The error a client's error stands for: ours (also when Apollo rewrapped it) or what a resolver threw. */
function originalOf(error: unknown): unknown {
  // Ours may sit a few wrappers deep: graphql-js wraps what a resolver throws, and Apollo rewraps
  // validation errors (e.g. QUERY_TOO_COMPLEX, reported as a GraphQLError around ours).
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (isGatewayError(current)) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return unwrapResolverError(error);
}

/**
 * What a client is told for an error, and, when that is INTERNAL_SERVER_ERROR, the cause behind it.
 * formatError and the error-log plugin both decide with this, so every masked error is logged.
 */
export function classifyError(
  error: unknown,
):
  | { kind: 'gateway'; error: GatewayError }
  | { kind: 'request'; code: string }
  | { kind: 'internal'; cause: unknown } {
  const original = originalOf(error);
  if (isGatewayError(original)) {
    return original.code === 'INTERNAL_SERVER_ERROR'
      ? { kind: 'internal', cause: original }
      : { kind: 'gateway', error: original };
  }
  const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
  const fromGraphQL = original === error || original === undefined;
  if (
    fromGraphQL &&
    typeof code === 'string' &&
    code !== 'INTERNAL_SERVER_ERROR' &&
    (REQUEST_ERROR_CODES.has(code) || isErrorCode(code))
  ) {
    return { kind: 'request', code };
  }
  return { kind: 'internal', cause: original ?? error };
}

/**
 * Everything that is not one of our codes becomes INTERNAL_SERVER_ERROR with a fixed message:
 * a plain `Error` thrown anywhere (a driver, a bug) would otherwise reach the client verbatim.
 * Logging those is the error-log plugin's job: it has the request's logger, with the request id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  const kind = classifyError(error);
  if (kind.kind === 'gateway') {
    return { message: kind.error.message, locations, path, extensions: kind.error.extensions };
  }
  if (kind.kind === 'request') {
    const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, locations, path, extensions: { ...extensions, code: kind.code } };
  }
  return {
    message: 'Internal server error.',
    locations,
    path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
