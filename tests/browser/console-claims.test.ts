import type { Browser } from 'playwright-core';
import { issueToken } from '../../src/auth/token-issuer';
import { TEST_JWT_SECRET, newOrgId, startTestGateway, type TestGateway } from '../support/harness';
import { startShopifySimulator, type ShopifySimulator } from '../support/shopify-simulator';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { buildUi, closePage, openConsole } from './support/console-page';

/**
 * ACCOUNT_CLAIM_POLICY=approval in the console: a platform admin sees a pending claim in the support
 * view and approves it (README "Who may claim an account").
 */
const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SHOPIFY_TOKEN = 'shpat_console_claims_token';

let browser: Browser;
let shopify: ShopifySimulator;
let gw: TestGateway;
const org = newOrgId();

beforeAll(async () => {
  await buildUi();
  shopify = await startShopifySimulator({ accessToken: SHOPIFY_TOKEN });
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
    ACCOUNT_CLAIM_POLICY: 'approval',
  });
  const admin = await issueToken(TEST_JWT_SECRET, {
    sub: 'cleo',
    orgId: org,
    role: 'admin',
    orgName: 'Clay Cups',
  });
  const { body } = await gw.graphql(
    `mutation { connectIntegration(input: { shopify: { storeName: "clay-cups" } }) {
      integration { ... on IntegrationCommon { status } } } }`,
    {},
    admin,
  );
  expect(body.data.connectIntegration.integration.status).toBe('PENDING');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await shopify?.close();
});

describeInBrowser(`console: account claims (${ENGINE})`, () => {
  test('the claiming organization sees its card waiting for approval, with its proof of control', async () => {
    const admin = await issueToken(TEST_JWT_SECRET, { sub: 'cleo', orgId: org, role: 'admin' });
    const page = await openConsole(browser, gw.url, admin);
    const card = page.locator('article[data-provider="SHOPIFY"]');
    await card.getByText('Waiting for approval').waitFor();
    const [row] = await gw.db('integrations').where({ organization_id: org, provider: 'shopify' });
    await card.getByTestId('claim-token').getByText(row.claim_token).waitFor();
    // A pending account is the organization's: no form to connect another one over it.
    expect(await card.getByRole('button', { name: /^Connect/ }).count()).toBe(0);
    await screenshot(page, 'console-claim-pending');
    await closePage(page);
  });

  test('a platform admin approves a pending Shopify claim from the support view', async () => {
    const platform = await issueToken(TEST_JWT_SECRET, {
      sub: 'pat',
      orgId: newOrgId(),
      role: 'platform_admin',
      orgName: 'Switchboard platform',
    });
    const page = await openConsole(browser, gw.url, platform);
    const claims = page
      .locator('section#support')
      .getByRole('list', { name: 'Account claims waiting for approval' });
    const item = claims.getByRole('listitem').filter({ hasText: 'Clay Cups' });
    await item.getByText('clay-cups').waitFor();
    await screenshot(page, 'console-claims');
    await item.getByRole('button', { name: /^Approve Clay Cups/ }).click();
    await page.locator('section#support').getByText('No claim is waiting.').waitFor();
    const [row] = await gw.db('integrations').where({ organization_id: org, provider: 'shopify' });
    expect(row.status).toBe('connected');
    await closePage(page);
  });
});
