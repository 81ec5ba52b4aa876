import type Stripe from 'stripe';
import type { Config } from '../config/config';
import type { OrganizationsRepo } from '../db/organizations.repo';
import type { StripeClient } from '../datasources/stripe/stripe.client';
import { GatewayError } from '../errors/gateway-error';
import type { BillingAccountsRepo } from './billing-accounts.repo';
import { billingState, type BillingState } from './billing-state';
import { subscriptionFacts } from './subscription-facts';

/**
 * The organization's billing with the platform (README, "Billing"). A Stripe customer is created the
 * first time one is needed, with the idempotency key `customer:<organization id>`: two concurrent
 * first uses get the same customer back from Stripe, and the row keeps the first one stored.
 */
export class BillingService {
  constructor(
    private readonly config: Config,
    private readonly accounts: BillingAccountsRepo,
    private readonly organizations: OrganizationsRepo,
    /** Undefined when the Stripe variables are not set: billing is then off. */
    readonly stripe: StripeClient | undefined,
  ) {}

  get configured(): boolean {
    return this.stripe !== undefined;
  }

  /** The organization's Stripe customer, or null when it has none yet (nothing to bill). */
  async customerIdFor(organizationId: string): Promise<string | null> {
    return (await this.accounts.byOrganization(organizationId))?.stripe_customer_id ?? null;
  }

  async ensureCustomer(organizationId: string): Promise<string> {
    const existing = await this.customerIdFor(organizationId);
    if (existing) return existing;
    const stripe = this.requireStripe();
    const organization = await this.organizations.byId(organizationId);
    const customerId = await stripe.createCustomer(
      organizationId,
      organization?.name ?? organizationId,
      `customer:${organizationId}`,
    );
    return this.accounts.saveCustomer(organizationId, customerId);
  }

  plans(): Array<{ name: string; priceId: string }> {
    return Object.entries(this.config.STRIPE_PLANS).map(([name, priceId]) => ({ name, priceId }));
  }

  async checkout(organizationId: string, plan: string): Promise<string> {
    const priceId = this.config.STRIPE_PLANS[plan];
    if (!priceId) {
      throw new GatewayError('BAD_USER_INPUT', `Unknown plan "${plan}"; see billingPlans.`);
    }
    const stripe = this.requireStripe();
    const customerId = await this.ensureCustomer(organizationId);
    const back = this.returnUrl();
    return stripe.createCheckoutSession({
      customerId,
      priceId,
      organizationId,
      successUrl: `${back}?checkout=success`,
      cancelUrl: `${back}?checkout=cancel`,
    });
  }

  async portal(organizationId: string): Promise<string> {
    const stripe = this.requireStripe();
    const customerId = await this.ensureCustomer(organizationId);
    return stripe.createPortalSession(customerId, this.returnUrl(), organizationId);
  }

  /** Asks Stripe; the state changes when its webhook arrives (and right away from the answer). */
  async cancelAtPeriodEnd(organizationId: string): Promise<void> {
    const stripe = this.requireStripe();
    const row = await this.accounts.byOrganization(organizationId);
    if (!row?.subscription_id) {
      throw new GatewayError('NOT_FOUND', 'This organization has no subscription to cancel.');
    }
    const subscription = await stripe.cancelAtPeriodEnd(row.subscription_id, organizationId);
    // Stripe's answer is as new as it gets: stored as of now, so only a later event overrides it.
    await this.accounts.applySubscription(
      organizationId,
      subscriptionFacts(subscription, this.config.STRIPE_PLANS),
      Math.floor(Date.now() / 1000),
    );
  }

  /** The organization a Stripe customer belongs to (webhook routing); null for a stranger. */
  async organizationForCustomer(customerId: string): Promise<string | null> {
    return (await this.accounts.organizationForCustomer(customerId)) ?? null;
  }

  /** A subscription as of a Stripe event created at `created` (seconds); older than stored: ignored. */
  async recordSubscription(organizationId: string, subscription: Stripe.Subscription, created: number) {
    return this.accounts.applySubscription(
      organizationId,
      subscriptionFacts(subscription, this.config.STRIPE_PLANS),
      created,
    );
  }

  async recordPayment(organizationId: string, state: 'paid' | 'failed', created: number) {
    return this.accounts.applyPayment(organizationId, state, created);
  }

  async recordCheckout(organizationId: string, subscriptionId: string): Promise<void> {
    await this.accounts.noteSubscriptionId(organizationId, subscriptionId);
  }

  async state(organizationId: string): Promise<BillingState> {
    const row = await this.accounts.byOrganization(organizationId);
    return billingState(row, this.config.BILLING_PAST_DUE_POLICY);
  }

  private requireStripe(): StripeClient {
    if (!this.stripe) throw new GatewayError('PROVIDER_NOT_CONFIGURED', 'Stripe billing is not configured.');
    return this.stripe;
  }

  /** Where Stripe's pages send the user back (the billing page). */
  returnUrl(): string {
    return (
      this.config.BILLING_RETURN_URL ?? this.config.PUBLIC_BASE_URL ?? `http://localhost:${this.config.PORT}/`
    );
  }
}
