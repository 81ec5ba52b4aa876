import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/**
 * Twilio's SDK has no base-URL option (`edge` and `region` only change twilio.com host names), so a
 * simulator is reached by rewriting each request's URI: every `*.twilio.com` host (api, content,
 * messaging) becomes TWILIO_API_BASE_URL's scheme and host, keeping the path and query.
 */
export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: URL | undefined;

  constructor(baseUrl: string | undefined, options: ConstructorParameters<typeof twilio.RequestClient>[0]) {
    super(options);
    this.base = baseUrl ? new URL(baseUrl) : undefined;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    if (!this.base) return super.request(opts);
    const target = new URL(opts.uri);
    if (target.hostname !== 'twilio.com' && !target.hostname.endsWith('.twilio.com')) {
      return super.request(opts);
    }
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const uri = `${this.base.protocol}//${this.base.host}${prefix}${target.pathname}${target.search}`;
    return super.request({ ...opts, uri });
  }
}

export interface TwilioClientSettings {
  accountSid: string;
  authToken: string;
  /** TWILIO_API_BASE_URL: a simulator or a proxy standing in for every twilio.com host. */
  baseUrl: string | undefined;
  timeoutMs: number;
}

/**
 * One SDK client for the gateway's lifetime (the platform's credentials are the same for every
 * organization), so its keep-alive agent is reused.
 *
 * Retries: one layer only, the SDK's own, and only for HTTP 429. Twilio documents that a request
 * refused with 429 (error 20429) was not processed, so even a message create is safe to send again;
 * a 5xx or a timeout on a create may have sent the message, and Twilio has no idempotency key, so
 * those are never retried. These calls do not go through ProviderHttpClient (the SDK has its own
 * HTTP stack), so nothing else retries them.
 */
export function createTwilioClient(settings: TwilioClientSettings): twilio.Twilio {
  const httpClient = new RedirectingRequestClient(settings.baseUrl, {
    timeout: settings.timeoutMs,
    keepAlive: true,
    autoRetry: true,
    maxRetries: 2,
    maxRetryDelay: 1000,
  });
  return twilio(settings.accountSid, settings.authToken, { httpClient, accountSid: settings.accountSid });
}
