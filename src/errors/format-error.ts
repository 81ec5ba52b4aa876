import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { isErrorCode } from './codes';
import { isGatewayError } from './gateway-error';

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

/**
 * Everything that is not one of our codes becomes INTERNAL_SERVER_ERROR with a fixed message:
 * a plain `Error` thrown anywhere (a driver, a bug) would otherwise reach the client verbatim.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Apollo rewraps validation errors (ours included, e.g. QUERY_TOO_COMPLEX) as its own.
    const wrapped = (error as { originalError?: unknown } | undefined)?.originalError;
    const original = isGatewayError(wrapped) ? wrapped : unwrapResolverError(error);
    const { locations, path } = formatted;
    if (isGatewayError(original)) {
      const { http: _http, ...extensions } = original.extensions;
      return { message: original.message, locations, path, extensions };
    }
    const code = formatted.extensions?.code;
    const fromGraphQL = original === error || original === undefined;
    if (fromGraphQL && typeof code === 'string' && (REQUEST_ERROR_CODES.has(code) || isErrorCode(code))) {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations, path, extensions: { ...extensions, code } };
    }
    logger.error({ err: original, path }, 'unexpected error masked as INTERNAL_SERVER_ERROR');
    return {
      message: 'Internal server error.',
      locations,
      path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
