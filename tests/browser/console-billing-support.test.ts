/**
 * The console's billing card, failed webhook events, audit filters, the development sign-in form
 * and the platform admin's support view, in Chromium against the real gateway with the Stripe and
 * Shopify simulators. Screenshots: test-results/screenshots/console-*.png.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { issueToken } from '../../src/auth/token-issuer';
import { TEST_JWT_SECRET, newOrgId, startTestGateway, type TestGateway } from '../support/harness';
import { startShopifySimulator, type ShopifySimulator } from '../support/shopify-simulator';
import { ShopifyWebhookSender, shopifyPayloads } from '../support/shopify-webhooks';
import { deliverStripeEvent, stripeEvent } from '../support/stripe-events';
import { startStripeSimulator, stripeFixture, type StripeSimulator } from '../support/stripe-simulator';
import { waitFor } from '../support/webhook-helpers';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { buildUi, card, closePage, openConsole } from './support/console-page';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SHOPIFY_TOKEN = 'shpat_console_support_token';
const SHOPIFY_WEBHOOK_SECRET = 'shopify-webhook-secret-for-console-tests';
const STRIPE_WEBHOOK_SECRET = 'whsec_console_browser_0123456789abcdef';
const PLANS = { starter: 'price_starter_console', pro: 'price_pro_console' };

let browser: Browser;
let shopify: ShopifySimulator;
let stripe: StripeSimulator;
let gw: TestGateway;
/** An organization whose Shopify store fails: what the support view surfaces. */
const bolt = newOrgId();
let boltAdmin: string;
let platformAdmin: string;

/** A Shopify event of Bolt Bikes that failed every attempt (as the inbox leaves it). */
async function deadShopifyEvent(lastError: string): Promise<string> {
  const [row] = await gw
    .db('webhook_events')
    .insert({
      provider: 'shopify',
      provider_event_id: randomUUID(),
      organization_id: bolt,
      account_key: 'bolt-bikes',
      topic: 'orders/updated',
      payload: JSON.stringify(shopifyPayloads.order(1002, { id: 78, email: 'bo@example.com' })),
      state: 'dead',
      attempts: 5,
      last_error: lastError,
    })
    .returning('id');
  return row.id as string;
}

const named = (orgId: string, orgName: string, role: 'admin' | 'platform_admin', sub: string) =>
  issueToken(TEST_JWT_SECRET, { sub, orgId, role, orgName });

beforeAll(async () => {
  await buildUi();
  shopify = await startShopifySimulator({ accessToken: SHOPIFY_TOKEN });
  stripe = await startStripeSimulator();
  gw = await startTestGateway(
    {
      SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
      SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
      SHOPIFY_WEBHOOK_SECRET,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_simulated_0001',
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripe.baseUrl,
      STRIPE_PLANS: JSON.stringify(PLANS),
      JOBS_POLL_INTERVAL_MS: '50',
    },
    // As src/main.ts sets it when signing with the development secret: POST /auth/dev-token exists.
    { config: { devSigning: true } },
  );
  boltAdmin = await named(bolt, 'Bolt Bikes', 'admin', 'bea');
  platformAdmin = await named(newOrgId(), 'Switchboard platform', 'platform_admin', 'pat');
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "bolt-bikes" } }) {
      integration { ... on IntegrationCommon { status } } } }`,
    {},
    boltAdmin,
  );
  expect(body.data.connectIntegration.integration.status).toBe('CONNECTED');
  // Shopify refuses the platform's credentials for this call: the integration goes to ERROR.
  shopify.failNext({ status: 401 });
  const tested = await gw.graphql(
    `mutation { testIntegration(provider: SHOPIFY) { errorCode } }`,
    {},
    boltAdmin,
  );
  expect(tested.body.data.testIntegration.errorCode).toBe('UPSTREAM_AUTH_FAILED');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await Promise.all([shopify?.close(), stripe?.close()]);
});

describeInBrowser(`console: billing, webhooks, audit and support (${ENGINE})`, () => {
  test('the billing card: no plan yet, Subscribe sends the admin to Stripe Checkout', async () => {
    const page = await openConsole(browser, gw.url, boltAdmin);
    // Stripe's hosted pages are not reachable from the test: answer them locally.
    await page.route('https://checkout.stripe.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<h1>Stripe Checkout (simulated)</h1>' }),
    );
    const billing = page.locator('section#billing');
    await billing.getByText('No subscription yet').waitFor();
    await billing.getByText('No plan').waitFor();
    await billing.getByLabel('Plan').selectOption('pro');
    await screenshot(page, 'console-billing-none');
    await billing.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Stripe Checkout (simulated)' }).waitFor();
    expect(page.url()).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\//);
    const session = stripe.requests.find((r) => r.path === '/v1/checkout/sessions');
    expect(session?.body.line_items).toEqual([{ price: PLANS.pro, quantity: '1' }]);
    await closePage(page);
  });

  test('the billing card: an active plan, its period and usage; Manage billing opens the portal', async () => {
    const org = newOrgId();
    const admin = await named(org, 'Cedar Candles', 'admin', 'cy');
    await gw.graphql(`mutation { openBillingPortal { url } }`, {}, admin);
    const customer = (await gw.db('billing_accounts').where({ organization_id: org }).first())
      .stripe_customer_id as string;
    const end = Math.floor(Date.now() / 1000) + 30 * 86400;
    const sub = stripe.putSubscription({
      customer,
      status: 'active',
      cancel_at_period_end: false,
      items: {
        object: 'list',
        data: [
          {
            ...stripeFixture('subscription_item'),
            price: { ...stripeFixture('price'), id: PLANS.starter },
            current_period_end: end,
          },
        ],
        has_more: false,
        url: '/v1/subscription_items',
      },
    });
    const delivered = await deliverStripeEvent(gw, stripeEvent('customer.subscription.created', sub), {
      secret: STRIPE_WEBHOOK_SECRET,
    });
    expect(delivered).toBe(200);
    await waitFor(
      () => gw.graphql(`{ organization { billing { status } } }`, {}, admin),
      (r) => r.body.data?.organization.billing.status === 'active',
    );
    await gw.db('ai_usage').insert({
      organization_id: org,
      request_id: 'console-test',
      model: 'gpt-4o-mini',
      input_tokens: 1200,
      output_tokens: 300,
    });

    const page = await openConsole(browser, gw.url, admin);
    await page.route('https://billing.stripe.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<h1>Stripe Billing Portal (simulated)</h1>' }),
    );
    const billing = page.locator('section#billing');
    await billing.getByText('starter', { exact: true }).waitFor();
    await billing.getByText('active', { exact: true }).waitFor();
    await billing.getByText('Payments up to date').waitFor();
    await billing.getByText(new Date(end * 1000).toLocaleString('en-US', { timeZone: 'UTC' })).waitFor();
    const aiRow = billing.getByRole('row', { name: /AI tokens/ });
    await aiRow.waitFor();
    expect(await aiRow.textContent()).toMatch(/1,500/);
    // Subscribed: plan changes go through the portal.
    expect(await billing.getByRole('button', { name: 'Subscribe' }).count()).toBe(0);
    await screenshot(page, 'console-billing');
    await billing.getByRole('button', { name: 'Manage billing' }).click();
    await page.getByRole('heading', { name: 'Stripe Billing Portal (simulated)' }).waitFor();
    await closePage(page);
  });

  test('failed webhook events are listed with their error; Replay queues one again', async () => {
    const id = await deadShopifyEvent('Shopify answered 503 five times');
    const page = await openConsole(browser, gw.url, boltAdmin);
    const section = page.locator('section#webhooks');
    await section.getByText('Shopify answered 503 five times').waitFor();
    await section.getByText('Gave up after 5 attempts').waitFor();
    await screenshot(page, 'console-failed-webhooks');
    await section.getByRole('button', { name: /^Replay Shopify orders\/updated/ }).click();
    await section.getByText(/Queued again/).waitFor();
    const row = await gw.db('webhook_events').where({ id }).first();
    expect(row.state).not.toBe('dead');
    await closePage(page);
  });

  test('the audit log filters by provider and outcome on the server', async () => {
    const page = await openConsole(browser, gw.url, boltAdmin);
    const audit = page.locator('section#audit');
    const entries = audit.getByRole('list', { name: 'Audit entries' }).getByRole('listitem');
    await audit.getByText('integration.connect').first().waitFor();
    await audit.getByLabel('Outcome').selectOption('ERROR');
    await audit.getByLabel('Provider').selectOption('SHOPIFY');
    await waitFor(
      () => entries.allTextContents(),
      (texts) => texts.length > 0 && texts.every((t) => /Failed/.test(t) && /Shopify/.test(t)),
    );
    expect((await entries.allTextContents()).join('\n')).toMatch(/integration\.test.*UPSTREAM_AUTH_FAILED/);
    await screenshot(page, 'console-audit-filtered');
    await audit.getByLabel('Outcome').selectOption('DENIED');
    await audit.getByText('No entries match.').waitFor();
    await closePage(page);
  });

  test("the support view: a platform admin sees Bolt Bikes' failing Shopify and opens it read-only", async () => {
    // A delivery for a store nobody connected: unrouted.
    const sender = new ShopifyWebhookSender(gw.url, SHOPIFY_WEBHOOK_SECRET);
    await deadShopifyEvent('Shopify answered 500 (the support view sees it)');
    const sent = await sender.send({
      topic: 'orders/updated',
      shop: 'nobodys-store',
      payload: shopifyPayloads.order(1003, { id: 79, email: 'x@example.com' }),
    });
    expect(sent.status).toBe(200);

    const page = await openConsole(browser, gw.url, platformAdmin);
    const support = page.locator('section#support');
    const item = support
      .getByRole('list', { name: 'Integrations needing attention' })
      .getByRole('listitem')
      .filter({ hasText: 'Bolt Bikes' });
    await item.getByText(/Shopify rejected/).waitFor();
    await item.getByText('Error', { exact: true }).waitFor();
    await support
      .getByRole('list', { name: 'Unrouted webhook events' })
      .getByText('orders/updated')
      .first()
      .waitFor();
    await screenshot(page, 'console-support');

    await item.getByRole('button', { name: 'Open Bolt Bikes read-only' }).click();
    await page.getByText('Viewing Bolt Bikes read-only (support access is audited)').waitFor();
    const shopifyCard = card(page, 'SHOPIFY');
    await shopifyCard.locator('.badge', { hasText: 'Error' }).waitFor();
    await shopifyCard.getByText('bolt-bikes', { exact: true }).waitFor();
    await page
      .locator('section#webhooks')
      .getByText('Shopify answered 500 (the support view sees it)')
      .waitFor();
    expect(
      await page
        .getByRole('button', { name: /^(Connect|Test|Disconnect|Replay|Subscribe|Manage billing)/ })
        .count(),
    ).toBe(0);
    expect(await page.getByLabel('Reply').count()).toBe(0);
    await screenshot(page, 'console-support-read-only');

    // The opening is in Bolt Bikes' audit log, by the platform admin.
    const entries = await gw.auditLog(boltAdmin, 20, 'action actorId');
    expect(entries).toContainEqual({ action: 'organization.support_access', actorId: 'pat' });

    // Back to the platform admin's own organization; the search finds any organization too.
    await page.getByRole('button', { name: 'Back to my organization' }).click();
    await support.getByLabel('Name or id').fill('bolt');
    await support.getByRole('button', { name: 'Search' }).click();
    await support.getByRole('list', { name: 'Organizations found' }).getByText('Bolt Bikes').waitFor();
    await closePage(page);
  });

  test('outside production with the development secret, the sign-in form signs in as any role', async () => {
    const page = await openConsole(browser, gw.url);
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await page.getByLabel('Organization id').fill(bolt);
    await page.getByLabel('Role').selectOption('member');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await card(page, 'SHOPIFY').locator('.badge', { hasText: 'Error' }).waitFor();
    await page.getByText(/· Member \(/).waitFor();
    expect(await page.getByRole('button', { name: /^(Test|Disconnect)/ }).count()).toBe(0);
    await screenshot(page, 'console-dev-sign-in');
    await closePage(page);
  });
});
