/**
 * Billing core on both engines (PGlite, and PostgreSQL with DATABASE_URL), against a Stripe simulator
 * that validates every request against Stripe's published document: checkout, the Billing Portal and
 * cancel at period end for admins (members read billing, FORBIDDEN for the mutations), one customer
 * for concurrent first uses, signed webhooks in any order (duplicates, reordered and stale events),
 * forged or old signatures refused, and the past-due policy (read_only here) applied.
 */
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { deliverStripeEvent, stripeEvent } from './support/stripe-events';
import { startStripeSimulator, stripeFixture, type StripeSimulator } from './support/stripe-simulator';
import { waitFor } from './support/webhook-helpers';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const WEBHOOK_SECRET = 'whsec_test_billing_0123456789abcdef';
const PLANS = { starter: 'price_starter_123', pro: 'price_pro_456' };

let gw: TestGateway;
let stripe: StripeSimulator;

const BILLING = `query { organization { billing {
  configured plan status currentPeriodEnd cancelAtPeriodEnd paymentState restriction usage { meter quantity reported } } } }`;
const CHECKOUT = `mutation($plan: String!) { startCheckout(plan: $plan) { url billing { plan } } }`;
const PORTAL = `mutation { openBillingPortal { url } }`;
const CANCEL = `mutation { cancelSubscriptionAtPeriodEnd { url billing { cancelAtPeriodEnd status } } }`;

const billingOf = async (token: string) =>
  (await gw.graphql(BILLING, {}, token)).body.data.organization.billing;
const customerRow = (org: string) => gw.db('billing_accounts').where({ organization_id: org }).first();
const deliver = (event: Record<string, unknown>, options: { timestamp?: number; signature?: string } = {}) =>
  deliverStripeEvent(gw, event, { secret: WEBHOOK_SECRET, ...options });

/** A subscription as Stripe holds it, on a plan's price, its period ending at `end` (s). */
function subscription(customer: string, fields: Record<string, unknown> = {}, price = PLANS.starter) {
  const end = Math.floor(Date.now() / 1000) + 30 * 86400;
  const item = {
    ...stripeFixture('subscription_item'),
    price: { ...stripeFixture('price'), id: price },
    current_period_end: end,
  };
  return stripe.putSubscription({
    customer,
    status: 'active',
    cancel_at_period_end: false,
    items: { object: 'list', data: [item], has_more: false, url: '/v1/subscription_items' },
    ...fields,
  });
}

/** A fresh organization with its admin and member tokens, and its Stripe customer (through the portal). */
async function orgWithCustomer() {
  const org = newOrgId();
  const admin = await gw.token(org, 'admin');
  const member = await gw.token(org, 'member');
  const { body } = await gw.graphql(PORTAL, {}, admin);
  expect(body.errors).toBeUndefined();
  const customer = (await customerRow(org)).stripe_customer_id as string;
  return { org, admin, member, customer };
}

/** Waits until the organization's billing read satisfies `done`. */
const billingUntil = (token: string, done: (b: any) => boolean) => waitFor(() => billingOf(token), done);

beforeAll(async () => {
  stripe = await startStripeSimulator();
  gw = await startTestGateway({
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_PUBLISHABLE_KEY: 'pk_test_simulated_0001',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: stripe.baseUrl,
    STRIPE_PLANS: JSON.stringify(PLANS),
    BILLING_PAST_DUE_POLICY: 'read_only',
    BILLING_RETURN_URL: 'https://app.example.com/settings/billing',
    JOBS_POLL_INTERVAL_MS: '50',
  });
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await stripe?.close();
});

describe(`Billing (${ENGINE})`, () => {
  afterEach(() => {
    // Every request the gateway made was valid per Stripe's document.
    expect(stripe.violations).toEqual([]);
  });

  test('the plans are listed; an admin starts checkout and gets the Checkout URL for the configured price', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    const plans = await gw.graphql(`query { billingPlans { name priceId } }`, {}, admin);
    expect(plans.body.data.billingPlans).toEqual([
      { name: 'starter', priceId: PLANS.starter },
      { name: 'pro', priceId: PLANS.pro },
    ]);

    const { body } = await gw.graphql(CHECKOUT, { plan: 'pro' }, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data.startCheckout.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);

    const customer = (await customerRow(org)).stripe_customer_id;
    expect(stripe.customers.get(customer)?.metadata).toEqual({ organization_id: org });
    const checkout = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').at(-1)!;
    expect(checkout.body).toMatchObject({
      mode: 'subscription',
      customer,
      client_reference_id: org,
      line_items: [{ price: PLANS.pro, quantity: '1' }],
      success_url: 'https://app.example.com/settings/billing?checkout=success',
    });
    expect(checkout.idempotencyKey).toBeTruthy();
    expect((await gw.auditLog(admin))[0]).toMatchObject({
      action: 'billing.checkout',
      outcome: 'OK',
      provider: 'STRIPE',
    });
  });

  test('an unknown plan is refused before any Stripe call', async () => {
    const admin = await gw.token(newOrgId(), 'admin');
    const before = stripe.requests.length;
    const { body } = await gw.graphql(CHECKOUT, { plan: 'enterprise' }, admin);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stripe.requests.length).toBe(before);
  });

  test('two concurrent first uses create one customer (same idempotency key, Stripe answers the same customer)', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    const [a, b] = await Promise.all([
      gw.graphql(CHECKOUT, { plan: 'starter' }, admin),
      gw.graphql(PORTAL, {}, admin),
    ]);
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    const creates = stripe.requests.filter(
      (r) => r.path === '/v1/customers' && r.body.metadata?.organization_id === org,
    );
    expect(creates.map((r) => r.idempotencyKey)).toEqual([`customer:${org}`, `customer:${org}`]);
    const made = [...stripe.customers.values()].filter((c) => c.metadata?.organization_id === org);
    expect(made).toHaveLength(1);
    expect((await customerRow(org)).stripe_customer_id).toBe(made[0]!.id);
  });

  test('the Billing Portal URL for the organization’s customer', async () => {
    const { admin, customer } = await orgWithCustomer();
    const { body } = await gw.graphql(PORTAL, {}, admin);
    expect(body.data.openBillingPortal.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
    expect(stripe.requests.at(-1)).toMatchObject({
      path: '/v1/billing_portal/sessions',
      body: { customer, return_url: 'https://app.example.com/settings/billing' },
    });
  });

  test('members read billing; the billing mutations are for admins (FORBIDDEN, audited as denied)', async () => {
    const { member, admin } = await orgWithCustomer();
    expect(await billingOf(member)).toEqual({
      configured: true,
      plan: null,
      status: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      paymentState: 'NONE',
      restriction: 'NONE',
      usage: [
        { meter: 'ai_tokens', quantity: 0, reported: 0 },
        { meter: 'messages_sent', quantity: 0, reported: 0 },
      ],
    });
    for (const [query, variables] of [
      [CHECKOUT, { plan: 'starter' }],
      [PORTAL, {}],
      [CANCEL, {}],
    ] as const) {
      const { body } = await gw.graphql(query, variables, member);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await gw.auditLog(admin))[0]).toMatchObject({
      action: 'billing.cancel_at_period_end',
      outcome: 'DENIED',
      errorCode: 'FORBIDDEN',
    });
  });

  test('signed subscription webhooks set the state; a duplicate counts once; checkout names the subscription', async () => {
    const { admin, org, customer } = await orgWithCustomer();
    const sub = subscription(customer);
    const completed = stripeEvent('checkout.session.completed', {
      ...stripeFixture('checkout.session'),
      customer,
      subscription: sub.id,
      client_reference_id: org,
    });
    expect(await deliver(completed)).toBe(200);
    const created = stripeEvent('customer.subscription.created', sub);
    expect(await deliver(created)).toBe(200);
    expect(await deliver(created)).toBe(200);

    const billing = await billingUntil(admin, (b) => b.status === 'active');
    expect(billing).toMatchObject({
      plan: 'starter',
      status: 'active',
      cancelAtPeriodEnd: false,
      paymentState: 'OK',
    });
    expect(Date.parse(billing.currentPeriodEnd)).toBe(sub.items.data[0].current_period_end * 1000);
    const stored = await gw.db('webhook_events').where({ provider: 'stripe', provider_event_id: created.id });
    expect(stored).toHaveLength(1);
    expect((await customerRow(org)).subscription_id).toBe(sub.id);
    // The card is a read-only view of the same state.
    const card = await gw.graphql(
      `query { organization { integration(provider: STRIPE) { ... on StripeIntegration { status configured syncStatus billing { plan } } } } }`,
      {},
      admin,
    );
    expect(card.body.data.organization.integration).toEqual({
      status: 'CONNECTED',
      configured: true,
      syncStatus: 'active',
      billing: { plan: 'starter' },
    });
  });

  test('reordered and stale events: an older subscription update arriving after a newer one leaves the newer state', async () => {
    const { admin, customer } = await orgWithCustomer();
    const sub = subscription(customer);
    const t = Math.floor(Date.now() / 1000) - 100;
    const newer = stripeEvent(
      'customer.subscription.updated',
      { ...sub, items: sub.items, status: 'active', cancel_at_period_end: true },
      t + 20,
    );
    const older = stripeEvent(
      'customer.subscription.updated',
      {
        ...sub,
        items: {
          ...sub.items,
          data: [{ ...sub.items.data[0], price: { ...sub.items.data[0].price, id: PLANS.pro } }],
        },
      },
      t + 10,
    );
    const oldest = stripeEvent('customer.subscription.created', { ...sub, status: 'incomplete' }, t);
    expect(await deliver(newer)).toBe(200);
    await billingUntil(admin, (b) => b.cancelAtPeriodEnd === true);
    expect(await deliver(older)).toBe(200);
    expect(await deliver(oldest)).toBe(200);
    await waitFor(
      () =>
        gw
          .db('webhook_events')
          .whereIn('provider_event_id', [older.id, oldest.id])
          .whereIn('state', ['done']),
      (rows) => rows.length === 2,
    );
    expect(await billingOf(admin)).toMatchObject({
      plan: 'starter',
      status: 'active',
      cancelAtPeriodEnd: true,
    });
  });

  test('a forged signature is 401; a signature older than 300 s is refused; neither is stored', async () => {
    const { customer } = await orgWithCustomer();
    const event = stripeEvent('customer.subscription.updated', subscription(customer));
    expect(await deliverStripeEvent(gw, event, { secret: 'whsec_not_the_right_one' })).toBe(401);
    expect(await deliver(event, { signature: 't=1,v1=deadbeef' })).toBe(401);
    expect(await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 })).toBe(401);
    expect(await gw.db('webhook_events').where({ provider_event_id: event.id })).toHaveLength(0);
  });

  test('past due: visible in GraphQL and on the card, read_only refuses other mutations, billing stays open; paid clears it', async () => {
    const { admin, customer } = await orgWithCustomer();
    const sub = subscription(customer);
    const t = Math.floor(Date.now() / 1000) - 50;
    await deliver(stripeEvent('customer.subscription.created', sub, t));
    await deliver(
      stripeEvent(
        'invoice.payment_failed',
        { ...stripeFixture('invoice'), customer, subscription: sub.id },
        t + 5,
      ),
    );
    await deliver(stripeEvent('customer.subscription.updated', { ...sub, status: 'past_due' }, t + 6));
    const billing = await billingUntil(admin, (b) => b.status === 'past_due');
    expect(billing).toMatchObject({ paymentState: 'PAST_DUE', restriction: 'READ_ONLY' });
    const card = await gw.graphql(
      `query { organization { integration(provider: STRIPE) { ... on StripeIntegration { status errorMessage } } } }`,
      {},
      admin,
    );
    expect(card.body.data.organization.integration.status).toBe('ERROR');
    expect(card.body.data.organization.integration.errorMessage).toMatch(/payment failed/i);

    const refused = await gw.graphql(
      `mutation { updateAiSettings(input: { enabled: false }) { settings { enabled } } }`,
      {},
      admin,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toMatch(/past due/);
    expect((await gw.graphql(PORTAL, {}, admin)).body.data.openBillingPortal.url).toBeTruthy();

    // The retried payment succeeds: Stripe sends invoice.paid and the subscription back to active.
    await deliver(
      stripeEvent('invoice.paid', { ...stripeFixture('invoice'), customer, subscription: sub.id }, t + 30),
    );
    await deliver(stripeEvent('customer.subscription.updated', { ...sub, status: 'active' }, t + 31));
    await billingUntil(admin, (b) => b.paymentState === 'OK');
    const allowed = await gw.graphql(
      `mutation { updateAiSettings(input: { enabled: true }) { settings { enabled } } }`,
      {},
      admin,
    );
    expect(allowed.body.errors).toBeUndefined();
  });

  test('cancel at period end: Stripe is asked, the state shows it right away', async () => {
    const { admin, customer } = await orgWithCustomer();
    const sub = subscription(customer);
    await deliver(stripeEvent('customer.subscription.created', sub, Math.floor(Date.now() / 1000) - 5));
    await billingUntil(admin, (b) => b.status === 'active');
    const { body } = await gw.graphql(CANCEL, {}, admin);
    expect(body.errors).toBeUndefined();
    expect(body.data.cancelSubscriptionAtPeriodEnd).toEqual({
      url: 'https://app.example.com/settings/billing',
      billing: { cancelAtPeriodEnd: true, status: 'active' },
    });
    expect(stripe.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/subscriptions/${sub.id}`,
      body: { cancel_at_period_end: 'true' },
    });
    expect((await gw.auditLog(admin))[0]).toMatchObject({
      action: 'billing.cancel_at_period_end',
      outcome: 'OK',
    });
  });

  test('cancel without a subscription answers NOT_FOUND; connecting Stripe is refused with a clear message', async () => {
    const admin = await gw.token(newOrgId(), 'admin');
    expect((await gw.graphql(CANCEL, {}, admin)).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { body } = await gw.graphql(
      `mutation { connectIntegration(input: { stripe: { enabled: true } }) { integration { __typename } } }`,
      {},
      admin,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/no connect step/);
  });

  test("Stripe errors in the gateway codes: an outage is UPSTREAM_UNAVAILABLE after the SDK retried with the same key; Stripe's words stay out", async () => {
    const { admin } = await orgWithCustomer();
    const before = stripe.requests.length;
    stripe.outage = 503;
    try {
      const { body } = await gw.graphql(PORTAL, {}, admin);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(JSON.stringify(body)).not.toMatch(/simulated/);
    } finally {
      stripe.outage = undefined;
    }
    // One retry layer: the SDK's, UPSTREAM_MAX_RETRIES (2) retries, one idempotency key for all attempts.
    const attempts = stripe.requests.slice(before);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
  });
});

describe(`Billing with BILLING_PAST_DUE_POLICY=block (${ENGINE})`, () => {
  let blocking: TestGateway;
  beforeAll(async () => {
    blocking = await startTestGateway({
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_simulated_0001',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripe.baseUrl,
      STRIPE_PLANS: JSON.stringify(PLANS),
      BILLING_PAST_DUE_POLICY: 'block',
      JOBS_POLL_INTERVAL_MS: '50',
    });
  }, 60_000);
  afterAll(async () => {
    await blocking?.close();
  });

  test('an unpaid organization may only read billing and pay; other queries and mutations are FORBIDDEN', async () => {
    const org = newOrgId();
    const admin = await blocking.token(org, 'admin');
    expect((await blocking.graphql(PORTAL, {}, admin)).body.errors).toBeUndefined();
    const customer = (await blocking.db('billing_accounts').where({ organization_id: org }).first())
      .stripe_customer_id;
    const sub = subscription(customer, { status: 'unpaid' });
    await deliverStripeEvent(blocking, stripeEvent('customer.subscription.updated', sub), {
      secret: WEBHOOK_SECRET,
    });
    await waitFor(
      async () => (await blocking.graphql(BILLING, {}, admin)).body.data?.organization?.billing,
      (b) => b?.paymentState === 'UNPAID',
    );
    const billing = await blocking.graphql(
      `query { billingPlans { name } organization { id billing { restriction } } }`,
      {},
      admin,
    );
    expect(billing.body.data.organization.billing.restriction).toBe('BLOCKED');
    expect((await blocking.graphql(CHECKOUT, { plan: 'starter' }, admin)).body.errors).toBeUndefined();
    const refused = await blocking.graphql(
      `query { organization { integrations { __typename } } }`,
      {},
      admin,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.data).toBeUndefined();
    const mutation = await blocking.graphql(
      `mutation { updateAiSettings(input: { enabled: true }) { settings { enabled } } }`,
      {},
      admin,
    );
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
