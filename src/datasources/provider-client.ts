import type { ProviderHttpClient, UpstreamRequest, UpstreamResponse } from '../http/provider-http';
import { UpstreamFailure } from '../http/upstream-failure';
import type { Logger } from '../observability/logger';
import type { IntegrationHealth, ProviderId } from './types';

type Method = UpstreamRequest['method'];
/** Query parameters; undefined and null ones are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

export interface CallOptions<Operation = string> {
  query?: Query | undefined;
  /** Sent as JSON in the client's media type. */
  body?: unknown;
  /** Safe to send twice; only these are retried after a 5xx. @default method === 'GET' */
  idempotent?: boolean | undefined;
  /**
   * May share an identical call already in flight in this request. @default method === 'GET'. Set it
   * for reads sent as POST (a GraphQL query): the body is part of what must be identical.
   */
  shareable?: boolean | undefined;
  headers?: Record<string, string> | undefined;
  /** What the provider calls this call (an operation id, a GraphQL document): for the hooks. */
  operation?: Operation | undefined;
}

/** One call as the hooks see it, before it is sent. */
export interface ProviderCall<Operation = string> {
  method: Method;
  path: string;
  url: string;
  operation: Operation | undefined;
}

export interface ProviderClientOptions {
  http: ProviderHttpClient;
  provider: ProviderId;
  /** The provider's name as users know it, for error messages. */
  providerName: string;
  /** Normalized account key: one circuit breaker per account. */
  accountKey: string;
  /** Without a trailing slash; paths start with one. */
  baseUrl: string;
  health: IntegrationHealth;
  /** The request's logger, so retry and failure lines carry the request id. */
  logger: Logger;
  /** @default 'application/json' */
  mediaType?: string;
}

/**
 * What every provider's client shares, between its data source and the one HTTP path
 * (ProviderHttpClient): the base URL, query-string and JSON encoding, the request's logger, the
 * integration's health, a rate gate around each call, and de-duplication of identical reads. A
 * provider's client states only its wire facts by overriding the small hooks below (the model is
 * Apollo's datasource-rest). A client lives as long as its data source: one GraphQL request.
 */
export abstract class ProviderClient<Operation = string> {
  /** Identical reads in flight, by method, URL, credentials and body: they share one answer. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly mediaType: string;

  protected constructor(protected readonly options: ProviderClientOptions) {
    this.mediaType = options.mediaType ?? 'application/json';
  }

  get<T>(path: string, options: Omit<CallOptions<Operation>, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, options: CallOptions<Operation> = {}): Promise<T> {
    return this.request<T>('POST', path, options);
  }

  async request<T>(method: Method, path: string, options: CallOptions<Operation> = {}): Promise<T> {
    const search = encodeQuery(options.query);
    const call: ProviderCall<Operation> = {
      method,
      path,
      url: `${this.options.baseUrl}${path}${search ? `?${search}` : ''}`,
      operation: options.operation,
    };
    const auth = await this.authHeaders(call);
    const headers: Record<string, string> = {
      accept: this.mediaType,
      ...(options.body !== undefined ? { 'content-type': this.mediaType } : {}),
      ...this.defaultHeaders(call),
      ...auth,
      ...options.headers,
    };
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const send = () => this.dispatch(call, headers, body, options.idempotent);
    if (!(options.shareable ?? method === 'GET')) return (await send()) as T;
    // The credentials are part of the key: two calls under different tokens are not the same read.
    const key = `${method} ${call.url}\n${JSON.stringify(auth)}\n${body ?? ''}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = send();
      this.inFlight.set(key, pending);
      const forget = () => this.inFlight.delete(key);
      pending.then(forget, forget);
    }
    return (await pending) as T;
  }

  /** Headers that prove who the gateway is (a key, a token); may fetch a token. */
  protected authHeaders(
    _call: ProviderCall<Operation>,
  ): Record<string, string> | Promise<Record<string, string>> {
    return {};
  }

  /** Headers every call carries besides auth (an API version). */
  protected defaultHeaders(_call: ProviderCall<Operation>): Record<string, string> {
    return {};
  }

  /** The rate gate before a call is sent: wait, or refuse with UPSTREAM_RATE_LIMITED. */
  protected beforeCall(_call: ProviderCall<Operation>): void | Promise<void> {}

  /**
   * Told every 2xx answer (retries included) before it is returned: remember rate-limit state, or
   * throw an UpstreamFailure for a refusal the provider reports with HTTP 200 (it is then retried).
   */
  protected afterCall(_response: UpstreamResponse, _call: ProviderCall<Operation>): void {}

  /** When the provider refused the credentials: forget cached tokens or key facts. */
  protected onAuthFailed(_call: ProviderCall<Operation>): void {}

  /** Whether an accepted call proves the credentials serve this integration (heals an ERROR). */
  protected provesCredentials(_call: ProviderCall<Operation>): boolean {
    return true;
  }

  private async dispatch(
    call: ProviderCall<Operation>,
    headers: Record<string, string>,
    body: string | undefined,
    idempotent: boolean | undefined,
  ): Promise<unknown> {
    await this.beforeCall(call);
    const { health } = this.options;
    const response = await this.options.http.request({
      provider: this.options.provider,
      providerName: this.options.providerName,
      accountKey: this.options.accountKey,
      method: call.method,
      url: call.url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(idempotent !== undefined ? { idempotent } : {}),
      inspect: (answer) => {
        assertJsonAnswer(answer);
        this.afterCall(answer, call);
      },
      logger: this.options.logger,
      health: {
        authFailed: (message) => {
          this.onAuthFailed(call);
          return health.authFailed(message);
        },
        ...(this.provesCredentials(call) ? { authSucceeded: () => health.authSucceeded() } : {}),
      },
    });
    return response.body;
  }
}

/**
 * Every provider behind this client answers JSON. A 2xx with anything else (a proxy's or captive
 * login's HTML page, a truncated body) is the provider's error, not ours: without this the data
 * source would map a string as if it were the object and answer INTERNAL_SERVER_ERROR. An empty
 * body (204, 202) is fine. Not retried: UPSTREAM_ERROR says the provider answered.
 */
function assertJsonAnswer(answer: UpstreamResponse): void {
  if (typeof answer.body !== 'string' || answer.body.trim() === '') return;
  try {
    // JSON under another content type: left as it was (the data source's concern).
    JSON.parse(answer.body);
  } catch {
    throw new UpstreamFailure(
      'UPSTREAM_ERROR',
      answer.status,
      `HTTP ${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}`,
    );
  }
}

/** `a=1&b=x%20y`, leaving out absent values; URLSearchParams encodes. */
export function encodeQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null) params.set(key, String(value));
  return params.toString();
}
