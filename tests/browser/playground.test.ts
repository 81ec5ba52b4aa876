/**
 * The playground at GET /graphql in Chromium, against the real gateway signing with its development
 * secret: the headers editor comes prefilled with a development token, a query typed character by
 * character gets completion from the schema, runs with the headers the user wrote, and those headers
 * survive a reload. The page loads nothing from another origin (it works offline). Screenshots:
 * test-results/screenshots/playground-*.png.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { newOrgId, startTestGateway, type TestGateway } from '../support/harness';
import { describeInBrowser, hasChromium, launchBrowser, screenshot } from './support/browser';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
/** Generous: a busy two-core machine loads monaco and its workers slowly. */
const UI_TIMEOUT = 60_000;

let browser: Browser;
let gw: TestGateway;

beforeAll(async () => {
  // A no-op when ui/dist is newer than its sources.
  execFileSync(process.execPath, [path.resolve(__dirname, '../../ui/build.mjs')], { stdio: 'inherit' });
  gw = await startTestGateway({}, { config: { devSigning: true } });
  if (hasChromium) browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** What a monaco editor shows (its rendered lines; monaco draws spaces as no-break spaces). */
const editorText = async (editor: Locator) =>
  (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
const queryEditor = (page: Page) => page.locator('.monaco-editor[data-uri$="-operation.graphql"]');
const headersEditor = (page: Page) => page.locator('.monaco-editor[data-uri$="-request-headers.json"]');
const responseEditor = (page: Page) => page.locator('.monaco-editor[data-uri$="-response.json"]');

async function waitForText(editor: Locator, pattern: RegExp) {
  const deadline = Date.now() + UI_TIMEOUT;
  let text = '';
  while (Date.now() < deadline) {
    text = await editorText(editor);
    if (pattern.test(text)) return text;
    await editor.page().waitForTimeout(250);
  }
  throw new Error(`editor never showed ${pattern}; it shows:\n${text}`);
}

/** Replaces the headers editor's contents, typed as a person does (monaco closes brackets itself). */
async function typeHeaders(page: Page, headers: string) {
  await headersEditor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(headers);
  await waitForText(headersEditor(page), new RegExp(`^${headers.replace(/[{}]/g, '\\$&')}$`));
}

/** Opens the playground, recording every request the page makes. */
async function openPlayground(url = gw.url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  // Chromium's navigation asks for text/html: the gateway answers with the page, not with GraphQL.
  await page.goto(`${url}/graphql`);
  await page.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT });
  await queryEditor(page).waitFor({ timeout: UI_TIMEOUT });
  return { page, context, requests };
}

/** Every request went to the gateway itself (or stayed inside the page). */
const offOrigin = (requests: string[]) =>
  requests.filter((url) => !url.startsWith(`${gw.url}/`) && !/^(data|blob):/.test(url));

describeInBrowser(`playground (${ENGINE})`, () => {
  test('headers prefilled with the development token; a typed query completes, runs with the headers the user wrote, and they survive a reload', async () => {
    const { page, context, requests } = await openPlayground();
    try {
      await expect(page.title()).resolves.toBe('Switchboard GraphQL playground');
      await page.getByText('Switchboard GraphQL playground').first().waitFor();
      await waitForText(headersEditor(page), /"Authorization": "Bearer eyJ/);

      // The doc explorer shows the schema once introspection answered: completion needs it too.
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor({
        timeout: UI_TIMEOUT,
      });

      // The user replaces the development token by their own (a member of another organization).
      const member = await gw.token(newOrgId(), 'member', 'playground-tester');
      await typeHeaders(page, `{"Authorization": "Bearer ${member}"}`);

      // Typed key by key, as a person does: completion offers `role` after "ro".
      await queryEditor(page).click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type('{ viewer { ro', { delay: 60 });
      const suggestions = page.locator('.suggest-widget.visible');
      await suggestions.getByText('role', { exact: true }).first().waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, 'playground-completion');
      await page.keyboard.press('Enter');
      await waitForText(queryEditor(page), /\{ viewer \{ role\s*\}\s*\}/);

      await page.keyboard.press('Control+Enter');
      await waitForText(responseEditor(page), /"role": "MEMBER"/);

      // History records the run.
      await page.getByRole('button', { name: 'Show History' }).click();
      await page.locator('.graphiql-history-item').first().waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, 'playground-query');

      // A reload asks for a fresh development token but keeps the headers the user wrote.
      await page.reload();
      await queryEditor(page).waitFor({ timeout: UI_TIMEOUT });
      await waitForText(headersEditor(page), new RegExp(member.slice(0, 40)));

      expect(offOrigin(requests)).toEqual([]);
      expect(requests).toContain(`${gw.url}/auth/dev-token`);
    } finally {
      await context.close();
    }
  });

  test('each provider has example operations, opened from the Examples panel and run as they are', async () => {
    const { page, context, requests } = await openPlayground();
    try {
      const admin = await gw.token(newOrgId(), 'admin', 'examples-tester');
      await typeHeaders(page, `{"Authorization": "Bearer ${admin}"}`);

      const examples = page.getByRole('region', { name: 'Example operations' });
      if (!(await examples.isVisible())) await page.getByRole('button', { name: 'Show Examples' }).click();
      for (const operation of ['Viewer', 'ShopifyStatus', 'KlaviyoLists', 'WhatsAppTemplates', 'Billing']) {
        await examples.getByRole('button', { name: operation, exact: true }).waitFor();
      }
      await examples.getByRole('button', { name: 'ShopifyStatus', exact: true }).click();
      await waitForText(queryEditor(page), /query ShopifyStatus/);
      // The new tab keeps the headers the user wrote (not the development token).
      await waitForText(headersEditor(page), new RegExp(admin.slice(0, 40)));
      // Several operations in the document: the run button asks which one.
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.getByRole('menuitem', { name: 'ShopifyStatus' }).click();
      await waitForText(responseEditor(page), /"status": "DISCONNECTED"/);
      await screenshot(page, 'playground-examples');
      expect(offOrigin(requests)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('without the development secret the headers editor says how to get a token, and a run without one is refused', async () => {
    const plain = await startTestGateway();
    const { page, context, requests } = await openPlayground(plain.url);
    try {
      await waitForText(headersEditor(page), /npm run token[\s\S]*"Authorization": "Bearer <token>"/);
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.getByRole('menuitem', { name: 'Viewer' }).click();
      await waitForText(responseEditor(page), /"code": "UNAUTHENTICATED"/);
      await screenshot(page, 'playground-no-token');
      expect(requests).toContain(`${plain.url}/auth/dev-token`);
    } finally {
      await context.close();
      await plain.close();
    }
  });

  test('a subscription runs over graphql-ws on the same /graphql path, authenticated by the headers', async () => {
    const { page, context } = await openPlayground();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    try {
      const org = newOrgId();
      await typeHeaders(page, `{"Authorization": "Bearer ${await gw.token(org, 'admin')}"}`);
      const examples = page.getByRole('region', { name: 'Example operations' });
      if (!(await examples.isVisible())) await page.getByRole('button', { name: 'Show Examples' }).click();
      await examples.getByRole('button', { name: 'ShopifyEvents', exact: true }).click();
      await waitForText(queryEditor(page), /subscription ShopifyEvents/);
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.getByRole('menuitem', { name: 'ShopifyEvents' }).click();

      // Published until the page shows it: the socket opens and subscribes on its own time.
      const deadline = Date.now() + UI_TIMEOUT;
      let text = '';
      while (Date.now() < deadline && !/"topic": "orders\/create"/.test(text)) {
        await gw.gateway.services.live.publishShopify({
          topic: 'orders/create',
          organizationId: org,
          webhookEventId: newOrgId(),
          resourceId: '820982911946154500',
          adminGraphqlApiId: 'gid://shopify/Order/820982911946154500',
          at: new Date().toISOString(),
        });
        await page.waitForTimeout(500);
        text = await editorText(responseEditor(page));
      }
      expect(text).toMatch(/"resourceId": "820982911946154500"/);
      await screenshot(page, 'playground-subscription');
      expect(sockets).toEqual([`${gw.url.replace(/^http/, 'ws')}/graphql`]);
    } finally {
      await context.close();
    }
  });
});
