import { GatewayError } from '../../errors/gateway-error';

/**
 * Graph's error body `{error: {message, type, code, error_subcode, fbtrace_id}}`
 * (https://developers.facebook.com/docs/graph-api/guides/error-handling ,
 * https://developers.facebook.com/docs/messenger-platform/error-codes). Graph answers most of them
 * with HTTP 400 whatever they mean, so the code, not the status, says what happened.
 */
export interface GraphError {
  status: number | undefined;
  code: number | undefined;
  subcode: number | undefined;
  type: string | undefined;
  fbtraceId: string | undefined;
}

/** Access token invalid, expired or revoked (a Page token after a password change, a removed task). */
export const TOKEN_REFUSED = 190;
/** Application, user, Page and Messenger rate limits. */
const RATE_LIMITED = new Set([4, 17, 32, 613, 80006]);
/** Temporary failures Graph asks to retry. */
const TEMPORARY = new Set([1, 2, 1200]);

/**
 * Reads the Graph error out of a failed call. The HTTP layer keeps the start of the upstream body in
 * `details.body` ("HTTP 400: {...}", for logs only); the fields are read from it by pattern when the
 * body was cut short.
 */
export function graphErrorOf(error: unknown): GraphError | undefined {
  if (!(error instanceof GatewayError)) return undefined;
  const status = typeof error.details?.status === 'number' ? error.details.status : undefined;
  const text = typeof error.details?.body === 'string' ? error.details.body : '';
  if (status === undefined) return undefined;
  const number = (name: string) => {
    const match = new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const string = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"\\\\]{1,80})"`).exec(text)?.[1];
  return {
    status,
    code: number('code'),
    subcode: number('error_subcode'),
    type: string('type'),
    fbtraceId: string('fbtrace_id'),
  };
}

/** Permission refusals (code 10, 200–299): the platform lacks a task or permission on the Page. */
const isPermission = (code: number) => code === 10 || (code >= 200 && code <= 299);

/**
 * Our error for a refused Send API or Page call, in words a person can act on. Never Graph's own
 * message (it may quote what was sent); the Graph code and trace id go to the logs only.
 */
export function toGatewayError(graph: GraphError, original: GatewayError): GatewayError {
  const details = { ...original.details, graphCode: graph.code, graphSubcode: graph.subcode };
  const make = (code: GatewayError['code'], message: string) =>
    new GatewayError(code, message, { details, extensions: retryExtensions(original) });
  const { code, subcode } = graph;
  if (code === undefined) return original;
  if (code === TOKEN_REFUSED || code === 102)
    return make(
      'UPSTREAM_AUTH_FAILED',
      "Facebook refused the Page access token for this Page. The Page's owner must keep it assigned to the platform's Meta Business with the Messenger task, then test the integration again.",
    );
  if (RATE_LIMITED.has(code))
    return make('UPSTREAM_RATE_LIMITED', 'Facebook is rate limiting messages for this Page; retry later.');
  if (TEMPORARY.has(code))
    return make('UPSTREAM_UNAVAILABLE', 'Facebook could not deliver the message right now; retry later.');
  if (code === 551)
    return make(
      'UPSTREAM_ERROR',
      'Facebook says this person is not available to receive messages right now.',
    );
  if (code === 10 && subcode === 2018278)
    return make(
      'UPSTREAM_ERROR',
      "Facebook refused the message: it is outside Messenger's 24-hour window. Use a message tag, or wait for the person to write again.",
    );
  if (isPermission(code))
    return make(
      'UPSTREAM_ERROR',
      "Facebook refused the message for lack of permission: the platform needs the Page's Messenger task (pages_messaging), and the person must have written to the Page.",
    );
  if (code === 100 && (subcode === 2018001 || subcode === 2018109))
    return make('UPSTREAM_ERROR', 'Facebook found no person with this id for the Page.');
  if (code === 100)
    return make(
      'UPSTREAM_ERROR',
      'Facebook refused a parameter of the request (invalid parameter); check the recipient, the URLs and the lengths of texts and titles.',
    );
  return make('UPSTREAM_ERROR', `Facebook refused the request (Graph error ${code}).`);
}

const retryExtensions = (original: GatewayError) =>
  original.extensions.retryAfterMs !== undefined ? { retryAfterMs: original.extensions.retryAfterMs } : {};
