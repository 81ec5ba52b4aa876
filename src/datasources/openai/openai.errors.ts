import { APIConnectionError, APIError } from 'openai';
import { GatewayError, isGatewayError } from '../../errors/gateway-error';

/**
 * The SDK's errors in the gateway's codes, like every provider's. The client reads a fixed message;
 * OpenAI's own message, code and request id go to `details` (logged, never sent): its body may
 * quote the prompt, and the prompt holds shopper text.
 */
export function toGatewayError(error: unknown, what: string): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof APIConnectionError) {
    // Timeouts are a subclass of connection errors: the provider did not answer in time.
    return new GatewayError('UPSTREAM_UNAVAILABLE', `OpenAI did not answer (${what}); retry later.`, {
      details: { cause: error.constructor.name },
    });
  }
  if (error instanceof APIError) {
    const details = {
      status: error.status,
      openaiCode: error.code,
      openaiType: error.type,
      openaiRequestId: error.requestID,
    };
    const status = error.status ?? 0;
    if (status === 401 || status === 403) {
      return new GatewayError('UPSTREAM_AUTH_FAILED', 'OpenAI rejected the platform credentials.', {
        details,
      });
    }
    if (status === 429) {
      const retryAfterMs = retryAfter(error.headers);
      return new GatewayError('UPSTREAM_RATE_LIMITED', 'OpenAI is rate limiting requests; retry later.', {
        details,
        ...(retryAfterMs !== undefined ? { extensions: { retryAfterMs } } : {}),
      });
    }
    if (status >= 500 || status === 408) {
      return new GatewayError('UPSTREAM_UNAVAILABLE', 'OpenAI is unavailable; retry later.', { details });
    }
    if (status === 404) {
      return new GatewayError('UPSTREAM_ERROR', `OpenAI does not know what was asked for (${what}).`, {
        details,
      });
    }
    return new GatewayError('UPSTREAM_ERROR', `OpenAI refused the request (${what}, HTTP ${status}).`, {
      details,
    });
  }
  return new GatewayError('INTERNAL_SERVER_ERROR', undefined, {
    details: { cause: error instanceof Error ? error.name : typeof error },
  });
}

/**
 * `retry-after-ms` (OpenAI's own), then `retry-after` in seconds or as an HTTP date, then the reset
 * of the exhausted `x-ratelimit-remaining-*` budget (durations such as `12ms`, `6m0s`).
 */
function retryAfter(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms);
  const value = headers.get('retry-after');
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const resets = (['requests', 'tokens'] as const)
    .filter((kind) => headers.get(`x-ratelimit-remaining-${kind}`) === '0')
    .map((kind) => duration(headers.get(`x-ratelimit-reset-${kind}`)))
    .filter((n): n is number => n !== undefined);
  return resets.length ? Math.max(...resets) : undefined;
}

/** OpenAI's reset durations: `1h2m3.5s`, `6m0s`, `12ms`. */
function duration(value: string | null): number | undefined {
  if (!value) return undefined;
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(value.trim());
  if (!match || value.trim() === '') return undefined;
  const [, h, m, s, milliseconds] = match;
  const total =
    Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(milliseconds ?? 0);
  return Math.ceil(total);
}
