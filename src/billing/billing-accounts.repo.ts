import type { Db } from '../db/database';

export interface BillingAccountRow {
  organization_id: string;
  stripe_customer_id: string | null;
  plan: string | null;
  price_id: string | null;
  subscription_id: string | null;
  subscription_status: string | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  subscription_event_created: string | number | null;
  payment_state: string | null;
  payment_event_created: string | number | null;
}

export interface SubscriptionFacts {
  subscriptionId: string;
  status: string;
  priceId: string | null;
  plan: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** One row per organization that has met Stripe. */
export class BillingAccountsRepo {
  constructor(private readonly db: Db) {}

  async byOrganization(organizationId: string): Promise<BillingAccountRow | undefined> {
    return (await this.db('billing_accounts').where({ organization_id: organizationId }).first()) as
      BillingAccountRow | undefined;
  }

  async organizationForCustomer(customerId: string): Promise<string | undefined> {
    const row = (await this.db('billing_accounts')
      .where({ stripe_customer_id: customerId })
      .select('organization_id')
      .first()) as { organization_id: string } | undefined;
    return row?.organization_id;
  }

  /**
   * Records the customer; a concurrent first use got the same customer from Stripe (same
   * idempotency key), and the first one stored wins either way.
   */
  async saveCustomer(organizationId: string, customerId: string): Promise<string> {
    await this.db.raw(
      `INSERT INTO billing_accounts (organization_id, stripe_customer_id) VALUES (?, ?)
       ON CONFLICT (organization_id) DO UPDATE
         SET stripe_customer_id = COALESCE(billing_accounts.stripe_customer_id, EXCLUDED.stripe_customer_id)`,
      [organizationId, customerId],
    );
    const row = await this.byOrganization(organizationId);
    return row?.stripe_customer_id ?? customerId;
  }

  /**
   * The subscription as of an event created at `created` (seconds); ignored when the stored state
   * comes from a newer event. Equal times apply: Stripe's order within one second is unknown, and
   * a duplicate of the same event writes the same values.
   */
  async applySubscription(
    organizationId: string,
    facts: SubscriptionFacts,
    created: number,
  ): Promise<boolean> {
    const updated = await this.db('billing_accounts')
      .where({ organization_id: organizationId })
      .andWhere((q) =>
        q.whereNull('subscription_event_created').orWhere('subscription_event_created', '<=', created),
      )
      .update({
        subscription_id: facts.subscriptionId,
        subscription_status: facts.status,
        price_id: facts.priceId,
        plan: facts.plan,
        current_period_end: facts.currentPeriodEnd,
        cancel_at_period_end: facts.cancelAtPeriodEnd,
        subscription_event_created: created,
        updated_at: this.db.fn.now(),
      });
    return updated > 0;
  }

  /** Checkout names the subscription before any subscription event may have arrived. */
  async noteSubscriptionId(organizationId: string, subscriptionId: string): Promise<void> {
    await this.db('billing_accounts')
      .where({ organization_id: organizationId })
      .whereNull('subscription_id')
      .update({ subscription_id: subscriptionId, updated_at: this.db.fn.now() });
  }

  /** The last invoice outcome (`paid` / `failed`), newer events only, like subscriptions. */
  async applyPayment(organizationId: string, state: 'paid' | 'failed', created: number): Promise<boolean> {
    const updated = await this.db('billing_accounts')
      .where({ organization_id: organizationId })
      .andWhere((q) => q.whereNull('payment_event_created').orWhere('payment_event_created', '<=', created))
      .update({ payment_state: state, payment_event_created: created, updated_at: this.db.fn.now() });
    return updated > 0;
  }
}
