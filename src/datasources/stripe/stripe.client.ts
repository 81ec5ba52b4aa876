import Stripe from 'stripe';
import { toGatewayError } from './stripe.errors';

export interface StripeEnv {
  STRIPE_SECRET_KEY: string;
  STRIPE_WEBHOOK_SECRET: string;
  STRIPE_API_BASE_URL?: string | undefined;
}

export interface MeterEventInput {
  eventName: string;
  customerId: string;
  value: number;
  identifier: string;
  timestamp: Date;
  /** Whose usage: the organization whose share of Stripe's rate it is charged to. */
  organizationId?: string;
}

/**
 * Waits for nothing: charges one call to the organization's share of Stripe's rate on the platform
 * key, or throws RATE_LIMITED (src/services/fair-share.ts). `pool` is `key` for the global limit,
 * `meter-events` for the meter events endpoint's own.
 */
export type StripeQuota = (organizationId: string, pool: 'key' | 'meter-events') => Promise<unknown>;

/**
 * Stripe's documented rates: global 100/s live, 25/s in a sandbox (a key without `_live_`); meter
 * events 1000/s. `declared` is the provider's quota with the platform's overrides.
 */
export function stripeBudget(
  secretKey: string,
  pool: 'key' | 'meter-events',
  declared: { limit?: number | undefined; windowSeconds: number } = { limit: 100, windowSeconds: 1 },
) {
  if (pool === 'meter-events') return { limit: 1000, windowSeconds: 1 };
  const live = declared.limit ?? 100;
  const sandbox = !/^(sk|rk)_live_/.test(secretKey);
  return { limit: sandbox ? Math.min(25, live) : live, windowSeconds: declared.windowSeconds };
}

/** The parts of a subscription billing state is made of (API versions differ on where the period end lives). */
export type StripeSubscription = Stripe.Subscription;

/** Stripe's webhook tolerance: a signature older than this is refused (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The platform's Stripe account through the official SDK, pointed at STRIPE_API_BASE_URL when set.
 * One retry layer: the SDK's own (`maxNetworkRetries`), which sends the same idempotency key on each
 * attempt of a create, so a retried create never makes two objects. Callers do not retry again.
 */
export class StripeClient {
  private readonly stripe: Stripe;
  private readonly quota: StripeQuota | undefined;

  constructor(
    private readonly env: StripeEnv,
    options: { timeoutMs: number; maxNetworkRetries: number; quota?: StripeQuota | undefined },
  ) {
    this.quota = options.quota;
    const base = env.STRIPE_API_BASE_URL ? new URL(env.STRIPE_API_BASE_URL) : undefined;
    this.stripe = new Stripe(env.STRIPE_SECRET_KEY, {
      maxNetworkRetries: options.maxNetworkRetries,
      timeout: options.timeoutMs,
      ...(base
        ? {
            host: base.hostname,
            port: base.port || (base.protocol === 'http:' ? 80 : 443),
            protocol: base.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
    });
  }

  /** A customer for an organization; the key makes concurrent first uses one customer. */
  async createCustomer(organizationId: string, name: string, idempotencyKey: string): Promise<string> {
    await this.quota?.(organizationId, 'key');
    const customer = await this.call('customer', () =>
      this.stripe.customers.create(
        { name, metadata: { organization_id: organizationId } },
        { idempotencyKey },
      ),
    );
    return customer.id;
  }

  async createCheckoutSession(input: {
    customerId: string;
    priceId: string;
    organizationId: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<string> {
    await this.quota?.(input.organizationId, 'key');
    const session = await this.call('checkout session', () =>
      this.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: input.customerId,
        line_items: [{ price: input.priceId, quantity: 1 }],
        client_reference_id: input.organizationId,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      }),
    );
    return requireUrl(session.url);
  }

  async createPortalSession(customerId: string, returnUrl: string, organizationId?: string): Promise<string> {
    await this.quota?.(organizationId ?? '', 'key');
    const session = await this.call('billing portal session', () =>
      this.stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }),
    );
    return session.url;
  }

  async retrieveSubscription(subscriptionId: string): Promise<StripeSubscription> {
    return this.call('subscription', () => this.stripe.subscriptions.retrieve(subscriptionId));
  }

  async cancelAtPeriodEnd(subscriptionId: string, organizationId?: string): Promise<StripeSubscription> {
    await this.quota?.(organizationId ?? '', 'key');
    return this.call('subscription', () =>
      this.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
  }

  /** A meter event; Stripe counts an identifier once, so a re-send of the same usage is harmless. */
  async createMeterEvent(input: MeterEventInput): Promise<void> {
    await this.quota?.(input.organizationId ?? '', 'meter-events');
    await this.call('meter event', () =>
      this.stripe.billing.meterEvents.create({
        event_name: input.eventName,
        identifier: input.identifier,
        timestamp: Math.floor(input.timestamp.getTime() / 1000),
        payload: { stripe_customer_id: input.customerId, value: String(input.value) },
      }),
    );
  }

  /** Verifies a webhook's Stripe-Signature (throws the SDK's signature error when it does not match). */
  constructEvent(rawBody: Buffer | string, signature: string): Stripe.Event {
    return this.stripe.webhooks.constructEvent(
      rawBody,
      signature,
      this.env.STRIPE_WEBHOOK_SECRET,
      WEBHOOK_TOLERANCE_SECONDS,
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGatewayError(error, what);
    }
  }
}

function requireUrl(url: string | null): string {
  if (!url) throw toGatewayError(new Error('Stripe returned a session without a URL'), 'checkout session');
  return url;
}
