import { Agent, errors as undiciErrors, request } from 'undici';
import { GatewayError } from '../errors/gateway-error';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../observability/logger';
import { recordUpstreamCall } from '../services/upstream-calls';
import { fullJitterDelay, parseRetryAfter, sleep } from './backoff';
import { BrokenCircuitError, CircuitBreakers } from './circuit-breakers';
import { UpstreamFailure, codeForStatus } from './upstream-failure';

export interface UpstreamRequest {
  /** Provider id, for metrics, circuit breakers and logs. */
  provider: string;
  /** Provider name as users know it, for error messages. */
  providerName: string;
  /** Normalized account key: one circuit breaker per provider account. */
  accountKey: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Safe to send twice (a GET, or a read-only GraphQL query sent as POST). Only these are retried
   * after a 5xx, a timeout or a network error; a write could already have happened.
   * @default method === 'GET'
   */
  idempotent?: boolean;
  /** Overrides the gateway-wide deadline for this call, retries included. */
  timeoutMs?: number;
  /** Provider-specific check of a 2xx answer (e.g. a GraphQL throttle reported in the body); may throw UpstreamFailure. */
  inspect?: (response: UpstreamResponse) => void;
  /** Told when the provider refuses the credentials (401/403) and when it accepts a call. */
  health?: { authFailed(message: string): Promise<void>; authSucceeded?(): Promise<void> };
  /** The request's logger, so provider failures carry the request id. */
  logger?: Logger;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the provider sent JSON, else the text. */
  body: unknown;
}

export interface ProviderHttpOptions {
  /** Deadline of one call including its retries. @default 10000 */
  timeoutMs: number;
  /** Retries after the first attempt. @default 2 */
  maxRetries: number;
  /** @default 100 */
  backoffBaseMs?: number;
  /** @default 2000 */
  backoffCapMs?: number;
  /** Consecutive failures that open an account's circuit. @default 5 */
  breakerFailures?: number;
  /** @default 30000 */
  breakerHalfOpenAfterMs?: number;
}

/**
 * The one HTTP path from the gateway to every provider: keep-alive pool, deadline, retries with full
 * jitter, Retry-After, a circuit breaker per account, and error mapping that never lets an upstream
 * body reach a client. undici's `request` is used over `fetch` for its lower per-call overhead.
 */
export class ProviderHttpClient {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: 256,
  });
  private readonly breakers: CircuitBreakers;

  constructor(
    private readonly options: ProviderHttpOptions,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.breakers = new CircuitBreakers({
      consecutiveFailures: options.breakerFailures ?? 5,
      halfOpenAfterMs: options.breakerHalfOpenAfterMs ?? 30_000,
    });
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    assertSendable(req);
    const deadline = Date.now() + (req.timeoutMs ?? this.options.timeoutMs);
    const idempotent = req.idempotent ?? req.method === 'GET';
    const breaker = this.breakers.for(`${req.provider}:${req.accountKey}`);
    const started = performance.now();
    let outcome = 'ok';
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await breaker.execute(() => this.send(req, deadline));
          await req.health?.authSucceeded?.();
          return response;
        } catch (error) {
          if (error instanceof BrokenCircuitError) {
            throw new GatewayError(
              'UPSTREAM_UNAVAILABLE',
              `${req.providerName} kept failing for this account; calls are paused for a few seconds.`,
            );
          }
          if (!(error instanceof UpstreamFailure)) throw error;
          const wait = this.retryDelay(error, attempt, idempotent);
          if (wait === undefined || Date.now() + wait >= deadline) throw this.toGatewayError(req, error);
          (req.logger ?? this.logger).warn(
            { provider: req.provider, status: error.status, attempt: attempt + 1, waitMs: wait },
            'retrying provider call',
          );
          await sleep(wait);
        }
      }
    } catch (error) {
      outcome = error instanceof GatewayError ? error.code : 'INTERNAL_SERVER_ERROR';
      throw error;
    } finally {
      this.metrics?.upstreamRequests.inc({ provider: req.provider, outcome });
      this.metrics?.upstreamDuration.observe(
        { provider: req.provider },
        (performance.now() - started) / 1000,
      );
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * A 429 means the provider did not act on the request, so it is retried even for writes; 5xx,
   * timeouts and network errors only for idempotent calls. Undefined means "do not retry".
   */
  private retryDelay(error: UpstreamFailure, attempt: number, idempotent: boolean): number | undefined {
    if (attempt >= this.options.maxRetries) return undefined;
    const retryable =
      error.code === 'UPSTREAM_RATE_LIMITED' || (idempotent && error.code === 'UPSTREAM_UNAVAILABLE');
    if (!retryable) return undefined;
    return (
      error.retryAfterMs ??
      fullJitterDelay(attempt, this.options.backoffBaseMs ?? 100, this.options.backoffCapMs ?? 2000)
    );
  }

  private async send(req: UpstreamRequest, deadline: number): Promise<UpstreamResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new UpstreamFailure('UPSTREAM_UNAVAILABLE', undefined, 'deadline exceeded');
    let status: number;
    let headers: UpstreamResponse['headers'];
    let text: string;
    // Counted per GraphQL request before it leaves (a failed attempt spent the quota too): the
    // fan-out cost model reconciles its estimate with this (src/graphql/upstream-cost.plugin.ts).
    recordUpstreamCall(req.provider);
    try {
      const res = await request(req.url, {
        dispatcher: this.agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        // undici's own timers rather than AbortSignal.timeout: the bench measured a timer and signal
        // per call at several percent of the gateway's CPU. Headers must arrive, and the body must
        // not stall, within what is left of the deadline.
        headersTimeout: remaining,
        bodyTimeout: remaining,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (error) {
      const reason =
        error instanceof Error && (error.name === 'TimeoutError' || error instanceof undiciErrors.UndiciError)
          ? error.name
          : 'network error';
      throw new UpstreamFailure('UPSTREAM_UNAVAILABLE', undefined, `${reason}: ${(error as Error).message}`);
    }
    const response: UpstreamResponse = { status, headers, body: parseBody(text, headers['content-type']) };
    if (status >= 400) {
      const code = codeForStatus(status);
      if (code === 'UPSTREAM_AUTH_FAILED') {
        await req.health?.authFailed(
          `${req.providerName} rejected the gateway's credentials (HTTP ${status}).`,
        );
      }
      throw new UpstreamFailure(
        code,
        status,
        `HTTP ${status}: ${text.slice(0, 300)}`,
        parseRetryAfter(headers['retry-after']),
      );
    }
    req.inspect?.(response);
    return response;
  }

  private toGatewayError(req: UpstreamRequest, failure: UpstreamFailure): GatewayError {
    (req.logger ?? this.logger).warn(
      { provider: req.provider, status: failure.status, code: failure.code, detail: failure.detail },
      'provider call failed',
    );
    const name = req.providerName;
    const messages: Partial<Record<typeof failure.code, string>> = {
      UPSTREAM_AUTH_FAILED: `${name} rejected the gateway's credentials${failure.status ? ` (HTTP ${failure.status})` : ''}. An administrator must check the ${name} app's credentials and scopes.`,
      UPSTREAM_RATE_LIMITED: `${name} is rate limiting requests; retry later.`,
      UPSTREAM_UNAVAILABLE: `${name} did not answer in time or is unavailable; retry later.`,
      NOT_FOUND: `${name} has no such resource.`,
      UPSTREAM_ERROR: `${name} refused the request${failure.status ? ` (HTTP ${failure.status})` : ''}.`,
    };
    return new GatewayError(failure.code, messages[failure.code], {
      // Kept for the provider's own error handling and logs; formatError never sends details.
      details: { status: failure.status, body: failure.detail },
      extensions: failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {},
    });
  }
}

/** A control character in a URL, as such or percent-encoded (C0, DEL, and C1 as UTF-8). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const URL_CONTROL = /[\u0000-\u001f\u007f-\u009f]|%[01][0-9a-f]|%7f|%c2%[89][0-9a-f]/i;
/** A `.` or `..` path segment, which would make the URL name another resource. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=[/?#]|$)/i;
/** A NUL escaped in a JSON body (`\u0000` not itself preceded by an escaping backslash). */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * The last check before anything leaves: data sources validate every client value
 * (src/datasources/input-rules.ts), and this refuses a request one of them forgot, so a NUL is
 * never forwarded as `%00` and an id never walks up a path.
 */
function assertSendable(req: UpstreamRequest): void {
  const pathAndQuery = req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const badUrl = URL_CONTROL.test(req.url) || DOT_SEGMENT.test(pathAndQuery.split(/[?#]/, 1)[0] ?? '');
  const badBody = req.body !== undefined && req.body.includes('\\u0000') && JSON_NUL.test(req.body);
  if (badUrl || badBody) {
    throw new GatewayError(
      'BAD_USER_INPUT',
      `A value in the request holds a control character or an invalid path; nothing was sent to ${req.providerName}.`,
    );
  }
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (text && type && /json/i.test(type)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
