import Stripe from 'stripe';
import { WEBHOOK_TOLERANCE_SECONDS } from '../datasources/stripe/stripe.client';
import type { ProviderWebhooks, WebhookRequest } from './webhook.types';

/** The part of the Stripe configuration that webhooks read. */
export interface StripeWebhookEnv {
  STRIPE_WEBHOOK_SECRET: string;
}

interface StoredEvent {
  type: string;
  /** Seconds: when Stripe created the event, the version its object is compared by. */
  created: number;
  object: Record<string, unknown>;
}

const SUBSCRIPTION_TOPIC = /^customer\.subscription\./;

const header = (request: WebhookRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const customerOf = (object: Record<string, unknown>): string | undefined => {
  const customer = object.customer;
  if (typeof customer === 'string') return customer;
  // Expanded objects carry the customer as an object with its id.
  if (customer && typeof customer === 'object' && typeof (customer as { id?: unknown }).id === 'string') {
    return (customer as { id: string }).id;
  }
  return undefined;
};

/**
 * Stripe's webhooks (https://docs.stripe.com/webhooks): `Stripe-Signature` verified with the SDK over
 * the raw bytes, refused when older than 300 s (replays); the event id is the dedup key; an event is
 * routed by its object's customer to the organization that customer was created for. Events may
 * arrive in any order: each half of the billing state (subscription, payment) keeps the `created`
 * time of the event that last wrote it, and an older event never overwrites a newer one.
 */
export const stripeWebhooks: ProviderWebhooks<StripeWebhookEnv> = {
  configured: (env) => Boolean(env.STRIPE_WEBHOOK_SECRET),

  verify(request, env) {
    const signature = header(request, 'stripe-signature');
    if (!signature) return false;
    try {
      Stripe.webhooks.constructEvent(
        request.rawBody,
        signature,
        env.STRIPE_WEBHOOK_SECRET,
        WEBHOOK_TOLERANCE_SECONDS,
      );
      return true;
    } catch {
      return false;
    }
  },

  extract(request) {
    const event = JSON.parse(request.rawBody.toString('utf8')) as {
      id?: unknown;
      type?: unknown;
      created?: unknown;
      data?: { object?: unknown };
    };
    const object = event.data?.object;
    if (
      typeof event.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof event.created !== 'number' ||
      !object ||
      typeof object !== 'object'
    ) {
      return undefined;
    }
    // An event about no customer is acknowledged and stored unrouted (Stripe would retry a refusal).
    const customer = customerOf(object as Record<string, unknown>) ?? '';
    const payload: StoredEvent = {
      type: event.type,
      created: event.created,
      object: object as Record<string, unknown>,
    };
    return { eventId: event.id, topic: event.type, account: { customer }, payload };
  },

  async route(event, deps) {
    // The customer is the organization's (created by BillingService with its id in the metadata).
    return event.accountKey ? deps.billing.organizationForCustomer(event.accountKey) : null;
  },

  async handle(event, deps) {
    if (!event.organizationId) return 'unsupported';
    const { created, object } = event.payload as StoredEvent;
    const billing = deps.billing;
    if (SUBSCRIPTION_TOPIC.test(event.topic)) {
      await billing.recordSubscription(
        event.organizationId,
        object as unknown as Stripe.Subscription,
        created,
      );
      return 'done';
    }
    switch (event.topic) {
      case 'invoice.paid':
        await billing.recordPayment(event.organizationId, 'paid', created);
        return 'done';
      case 'invoice.payment_failed':
        await billing.recordPayment(event.organizationId, 'failed', created);
        return 'done';
      case 'checkout.session.completed':
        if (typeof object.subscription === 'string') {
          await billing.recordCheckout(event.organizationId, object.subscription);
        }
        return 'done';
      default:
        return 'unsupported';
    }
  },
};
