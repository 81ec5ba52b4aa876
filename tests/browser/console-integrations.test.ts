/**
 * The console's integration cards in Chromium against the real gateway and the Shopify simulator:
 * signing in from a `#token=` link, connecting with the server's own validation, a failing test
 * that stays readable after the list reloads, disconnecting through a confirmation dialog, a
 * member's read-only view, a provider the platform has not configured, refused tokens, and the
 * layout at 375 px. Each step saves a screenshot (test-results/screenshots/console-*.png).
 */
import type { Browser } from 'playwright-core';
import { issueToken } from '../../src/auth/token-issuer';
import { TEST_JWT_SECRET, newOrgId, startTestGateway, type TestGateway } from '../support/harness';
import { startShopifySimulator, type ShopifySimulator } from '../support/shopify-simulator';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { UI_TIMEOUT, buildUi, card, closePage, openConsole } from './support/console-page';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SHOPIFY_TOKEN = 'shpat_console_browser_token';

let browser: Browser;
let shopify: ShopifySimulator;
let gw: TestGateway;
const org = newOrgId();
let admin: string;

const shopifyField = async () => {
  const { body } = await gw.graphql(`{ providers { provider accountFields { title message } } }`, {}, admin);
  return body.data.providers.find((p: any) => p.provider === 'SHOPIFY').accountFields[0];
};

beforeAll(async () => {
  await buildUi();
  shopify = await startShopifySimulator({ accessToken: SHOPIFY_TOKEN });
  // Shopify is configured (the simulator); Klaviyo is not: its card is greyed.
  gw = await startTestGateway({
    SHOPIFY_ADMIN_ACCESS_TOKEN: SHOPIFY_TOKEN,
    SHOPIFY_API_BASE_URL: shopify.baseUrlTemplate,
  });
  admin = await gw.token(org, 'admin', 'alice');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await shopify?.close();
});

describeInBrowser(`console: integrations (${ENGINE})`, () => {
  test('an admin opens the printed link, connects Shopify after a refused value, and sees it connected', async () => {
    const page = await openConsole(browser, gw.url, admin);
    const shopifyCard = card(page, 'SHOPIFY');
    await shopifyCard.getByText('Not connected').waitFor();
    // The token left the address bar (and the history entry) once read.
    expect(new URL(page.url()).hash).toBe('');

    const field = await shopifyField();
    const input = shopifyCard.getByLabel(field.title);
    await input.fill('not a store!');
    await shopifyCard.getByRole('button', { name: 'Connect Shopify' }).click();
    // The server's own message, before any request, described by the field.
    const problem = shopifyCard.getByText(field.message, { exact: true });
    await problem.waitFor();
    expect(await input.getAttribute('aria-describedby')).toContain(await problem.getAttribute('id'));
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'console-connect-refused');

    await input.fill('acme-store');
    await shopifyCard.getByRole('button', { name: 'Connect Shopify' }).click();
    await shopifyCard.locator('.badge', { hasText: 'Connected' }).waitFor();
    await shopifyCard.getByText('acme-store', { exact: true }).waitFor();
    await shopifyCard.getByRole('button', { name: 'Test Shopify' }).waitFor();
    await screenshot(page, 'console-connected');

    // The gateway agrees.
    const { body } = await gw.graphql(
      `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { status storeName } } } }`,
      {},
      admin,
    );
    expect(body.data.organization.integration).toEqual({ status: 'CONNECTED', storeName: 'acme-store' });
    await closePage(page);
  });

  test("the server's refusal stays beside the field until the user edits it", async () => {
    const other = newOrgId();
    const otherAdmin = await gw.token(other, 'admin');
    const page = await openConsole(browser, gw.url, otherAdmin);
    const shopifyCard = card(page, 'SHOPIFY');
    const input = shopifyCard.getByLabel((await shopifyField()).title);
    await input.fill('acme-store');
    await shopifyCard.getByRole('button', { name: 'Connect Shopify' }).click();
    const refusal = shopifyCard.getByText(/ACCOUNT_ALREADY_CONNECTED/);
    await refusal.waitFor();
    expect(await input.getAttribute('aria-describedby')).toContain(await refusal.getAttribute('id'));
    await screenshot(page, 'console-connect-server-error');

    await input.press('End');
    await input.type('-2');
    await refusal.waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe('acme-store-2');
    await closePage(page);
  });

  test('a failing test shows its diagnosis, still readable after the list reloads', async () => {
    const page = await openConsole(browser, gw.url, admin);
    const shopifyCard = card(page, 'SHOPIFY');
    shopify.failNext({ status: 401 });
    await shopifyCard.getByRole('button', { name: 'Test Shopify' }).click();
    const result = shopifyCard.getByRole('status').filter({ hasText: 'Test failed' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/UPSTREAM_AUTH_FAILED/);
    await shopifyCard.locator('.badge', { hasText: 'Error' }).waitFor();
    // The card says what is wrong in words and what to do.
    await shopifyCard.getByText(/then press Test/).waitFor();

    // The list reloads (as it does every 30 s and after every action): the diagnosis stays.
    const section = page.locator('section#integrations');
    const loads = Number(await section.getAttribute('data-loads'));
    await section.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForFunction(
      `Number(document.querySelector('section#integrations')?.getAttribute('data-loads')) > ${loads}`,
      undefined,
      { timeout: UI_TIMEOUT },
    );
    expect(await result.isVisible()).toBe(true);
    expect(await result.textContent()).toMatch(/Test failed: .+ \(UPSTREAM_AUTH_FAILED\)/);
    await screenshot(page, 'console-test-failed');

    // A passing test replaces it.
    await shopifyCard.getByRole('button', { name: 'Test Shopify' }).click();
    await shopifyCard.getByRole('status').filter({ hasText: 'Test passed' }).waitFor();
    await shopifyCard.locator('.badge', { hasText: 'Connected' }).waitFor();
    await closePage(page);
  });

  test('a member sees every card read-only, with no admin buttons', async () => {
    const member = await gw.token(org, 'member', 'mia');
    const page = await openConsole(browser, gw.url, member);
    const shopifyCard = card(page, 'SHOPIFY');
    await shopifyCard.locator('.badge', { hasText: 'Connected' }).waitFor();
    await page.getByText('Read-only: only an administrator connects').waitFor();
    expect(await page.getByRole('button', { name: /^(Connect|Test|Disconnect)\b/ }).count()).toBe(0);
    expect(await page.locator('section#integrations input').count()).toBe(0);
    // Billing and webhook replays are admin actions too.
    expect(await page.getByRole('button', { name: /Subscribe|Manage billing|Replay/ }).count()).toBe(0);
    await screenshot(page, 'console-member');
    await closePage(page);
  });

  test('disconnect asks for confirmation in the page; Cancel keeps the store', async () => {
    const page = await openConsole(browser, gw.url, admin);
    const shopifyCard = card(page, 'SHOPIFY');
    await shopifyCard.getByRole('button', { name: 'Disconnect Shopify' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Shopify?' });
    await dialog.waitFor();
    await screenshot(page, 'console-disconnect-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await shopifyCard.locator('.badge', { hasText: 'Connected' }).waitFor();

    await shopifyCard.getByRole('button', { name: 'Disconnect Shopify' }).click();
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await shopifyCard.getByText('Shopify disconnected.').waitFor();
    await shopifyCard.locator('.badge', { hasText: 'Not connected' }).waitFor();
    await shopifyCard.getByRole('button', { name: 'Connect Shopify' }).waitFor();
    await screenshot(page, 'console-disconnected');
    await closePage(page);
  });

  test('a provider the platform has not configured is greyed and explained', async () => {
    const page = await openConsole(browser, gw.url, admin);
    const klaviyo = card(page, 'KLAVIYO');
    await klaviyo.getByText('Not configured by the platform').waitFor();
    expect(await klaviyo.getAttribute('class')).toContain('status-unconfigured');
    await klaviyo.getByText(/KLAVIYO_PRIVATE_API_KEY/).waitFor();
    expect(await klaviyo.getByRole('button').count()).toBe(0);
    await closePage(page);
  });

  test('an expired token gets a page saying so, with a way to sign out and in again', async () => {
    const expired = await issueToken(
      TEST_JWT_SECRET,
      { sub: 'alice', orgId: org, role: 'admin' },
      { expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    const page = await openConsole(browser, gw.url, expired);
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    await page.getByText(/Get a new sign-in link/).waitFor();
    await screenshot(page, 'console-expired');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    // Without the development secret there is no dev sign-in here: a token field instead.
    await page.getByLabel('Access token (JWT)').fill(admin);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await card(page, 'SHOPIFY').waitFor();
    await closePage(page);
  });

  test('a token expiring while the console is open leads to the expired page, with no click', async () => {
    const expiresAt = Date.now() + 10_000;
    const shortLived = await issueToken(
      TEST_JWT_SECRET,
      { sub: 'alice', orgId: org, role: 'admin' },
      { expiresIn: Math.floor(expiresAt / 1000) },
    );
    const page = await openConsole(browser, gw.url, shortLived);
    await card(page, 'SHOPIFY').waitFor();
    // The gateway closes the live socket when the token expires (4403) and the page follows at
    // once: well before the cards' next reload (30 s after loading) would meet UNAUTHENTICATED.
    await page
      .getByRole('heading', { name: 'Your session has expired' })
      .waitFor({ timeout: expiresAt + 15_000 - Date.now() });
    await closePage(page);
  });

  test('a token the gateway refuses (wrong signature) gets the invalid-sign-in page', async () => {
    const forged = await issueToken('another-secret-another-secret-0123456789', {
      sub: 'mallory',
      orgId: org,
      role: 'admin',
    });
    const page = await openConsole(browser, gw.url, forged);
    await page.getByRole('heading', { name: 'This sign-in is not valid' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await closePage(page);
  });

  test('at 375 px wide the console fits the screen: no horizontal scrolling', async () => {
    const page = await openConsole(browser, gw.url, admin, { width: 375, height: 800 });
    await card(page, 'SHOPIFY').getByRole('button', { name: 'Connect Shopify' }).waitFor();
    await page.locator('section#billing h2').waitFor();
    // Runs in the page (the tests' TypeScript has no DOM types).
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await screenshot(page, 'console-375px');
    await closePage(page);
  });
});
