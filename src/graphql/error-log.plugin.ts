import type { ApolloServerPlugin } from '@apollo/server';
import { classifyError } from '../errors/format-error';
import type { Logger } from '../observability/logger';
import type { GatewayContext } from './context';

const MESSAGE = 'unexpected error masked as INTERNAL_SERVER_ERROR';

/**
 * Logs every error the client sees as INTERNAL_SERVER_ERROR, once, at error level with its stack:
 * the client is told nothing, so the log is the only place the cause is kept. Logged here rather
 * than in formatError because here the request's own logger is at hand, and it carries the request
 * id the client got in `x-request-id`.
 */
export function errorLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async contextCreationDidFail({ error }) {
      // No request context exists yet; the request's own log line follows with its id and status.
      logger.error({ err: error }, MESSAGE);
    },
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      (requestContext.contextValue?.logger ?? logger).error({ err: error }, MESSAGE);
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const requestLogger = contextValue?.logger ?? logger;
          for (const error of errors) {
            const kind = classifyError(error);
            if (kind.kind !== 'internal') continue;
            requestLogger.error({ err: kind.cause, path: error.path, operationName }, MESSAGE);
          }
        },
      };
    },
  };
}
