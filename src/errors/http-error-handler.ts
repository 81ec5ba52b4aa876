import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import type { ErrorCode } from './codes';

/** A GraphQL-shaped error body, so clients handle transport errors the way they handle the rest. */
const errorBody = (message: string, code: ErrorCode) => ({ errors: [{ message, extensions: { code } }] });

/** Unknown routes: JSON, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json(errorBody('No such route.', 'NOT_FOUND'));
};

/**
 * Errors raised before GraphQL runs (a body that is not JSON, one over the size limit) get a clear
 * code; anything else is logged and masked. Express's default handler would answer with an HTML page
 * holding the stack trace outside production.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('The request body is not valid JSON.', 'BAD_USER_INPUT'));
    } else if (error.type === 'entity.too.large') {
      res.status(413).json(errorBody('The request body is too large.', 'BAD_USER_INPUT'));
    } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      res.status(error.status).json(errorBody('The request could not be read.', 'BAD_USER_INPUT'));
    } else {
      (res.locals.logger ?? logger).error({ err: error }, 'unhandled HTTP error');
      res.status(500).json(errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR'));
    }
  };
}
