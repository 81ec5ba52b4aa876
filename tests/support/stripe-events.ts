import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { TestGateway } from './harness';
import { stripeFixture } from './stripe-simulator';

type Json = Record<string, any>;

/** A Stripe event (fixtures3.json's `event` sample) of a type about an object, created at `created` (s). */
export function stripeEvent(type: string, object: Json, created = Math.floor(Date.now() / 1000)): Json {
  return {
    ...stripeFixture('event'),
    id: `evt_${randomBytes(12).toString('hex')}`,
    type,
    created,
    data: { object, previous_attributes: null },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
}

/**
 * POSTs an event to /webhooks/stripe as Stripe would: the body signed with the SDK's test-header
 * helper (`t=<timestamp>,v1=<HMAC>`), at `timestamp` (s, default now), or with a given header.
 */
export async function deliverStripeEvent(
  gw: TestGateway,
  event: Json,
  options: { secret: string; timestamp?: number; signature?: string },
): Promise<number> {
  const payload = JSON.stringify(event);
  const signature =
    options.signature ??
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret,
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
    });
  const res = await fetch(`${gw.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return res.status;
}
