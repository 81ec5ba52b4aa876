/**
 * Conversations in the console, in Chromium, against the real gateway with the Messenger and
 * OpenAI simulators: a shopper's message (a signed Meta webhook) appearing live in the open thread
 * without a reload, a reply sent through the Send API, an AI draft filling the reply box, an AI
 * handover, and the handover state. Screenshots: test-results/screenshots/console-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { newOrgId, startTestGateway, type TestGateway } from '../support/harness';
import {
  MessengerWebhookSender,
  messengerEvents as ev,
  startMessengerSimulator,
  type MessengerSimulator,
} from '../support/messenger-simulator';
import { startOpenAiSimulator, type OpenAiSimulator } from '../support/openai-simulator';
import { waitFor } from '../support/webhook-helpers';
import { describeInBrowser, launchBrowser, screenshot } from './support/browser';
import { buildUi, closePage, openConsole } from './support/console-page';

const ENGINE = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const APP_SECRET = 'messenger-app-secret-for-console-tests';
const PAGE = '104857600000021';
const PSID = '7300000000000001';

let browser: Browser;
let messenger: MessengerSimulator;
let openai: OpenAiSimulator;
let gw: TestGateway;
let meta: MessengerWebhookSender;
const org = newOrgId();
let admin: string;
let page: Page;

/** A shopper writes: Meta's signed webhook to the gateway, stored before the 200. */
async function shopperWrites(text: string, psid = PSID) {
  const sent = await meta.send(ev.delivery([{ pageId: PAGE, messaging: [ev.text(PAGE, psid, text)] }]));
  expect(sent.status).toBe(200);
}

const conversationIdOf = async (psid: string) =>
  (await waitFor(
    () => gw.db('conversations').where({ organization_id: org, contact_id: psid }).first(),
    (row) => !!row,
  ))!.id as string;

beforeAll(async () => {
  await buildUi();
  messenger = await startMessengerSimulator();
  messenger.assignPage(PAGE, 'Acme Shoes');
  openai = await startOpenAiSimulator();
  gw = await startTestGateway({
    MESSENGER_APP_ID: '1234567890',
    MESSENGER_APP_SECRET: APP_SECRET,
    MESSENGER_PAGE_ACCESS_TOKEN: messenger.systemUserToken,
    MESSENGER_VERIFY_TOKEN: 'verify-token-for-console-tests',
    MESSENGER_API_BASE_URL: messenger.baseUrl,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseUrl,
    JOBS_POLL_INTERVAL_MS: '50',
  });
  meta = new MessengerWebhookSender(gw.url, APP_SECRET);
  admin = await gw.token(org, 'admin', 'alice');
  const { body } = await gw.graphql(
    `mutation($pageId: String!) { connectIntegration(input: { messenger: { pageId: $pageId } }) {
      integration { ... on IntegrationCommon { status } } } }`,
    { pageId: PAGE },
    admin,
  );
  expect(body.data.connectIntegration.integration.status).toBe('CONNECTED');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await Promise.all([messenger?.close(), openai?.close()]);
});

afterEach(() => {
  const violations = [...messenger.violations, ...openai.violations];
  messenger.reset();
  openai.reset();
  expect(violations).toEqual([]);
});

describeInBrowser(`console: conversations (${ENGINE})`, () => {
  test("a shopper's message appears live in the open thread, without a reload", async () => {
    await shopperWrites('Hi! Do you ship to Canada?');
    page = await openConsole(browser, gw.url, admin);
    const section = page.locator('section#conversations');
    await section.getByText('Live', { exact: true }).waitFor();
    await section.getByRole('button', { name: new RegExp(PSID) }).click();
    const thread = section.getByRole('list', { name: `Messages with ${PSID}` });
    await thread.getByText('Hi! Do you ship to Canada?').waitFor();

    // Mark the document: a reload would lose the mark.
    await page.evaluate('window.__sameDocument = true');
    await shopperWrites('And how long does it take?');
    await thread.getByText('And how long does it take?').waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot(page, 'console-thread-live');
  });

  test('an AI draft fills the reply box; sending it reaches Messenger', async () => {
    openai.enqueue({ content: 'Yes, we ship to Canada: it takes 5 to 7 business days.' });
    const section = page.locator('section#conversations');
    await section.getByRole('button', { name: 'Draft with AI' }).click();
    const box = section.getByLabel('Reply');
    await section.getByText('AI draft ready').waitFor();
    expect(await box.inputValue()).toBe('Yes, we ship to Canada: it takes 5 to 7 business days.');
    await screenshot(page, 'console-ai-draft');

    await box.fill('Yes, we ship to Canada: 5 to 7 business days. Anything else?');
    await section.getByRole('button', { name: 'Send reply' }).click();
    await section.getByText('Sent.', { exact: true }).waitFor();
    await section
      .getByRole('list', { name: `Messages with ${PSID}` })
      .getByText('Yes, we ship to Canada: 5 to 7 business days. Anything else?')
      .waitFor();
    expect(await box.inputValue()).toBe('');
    const sends = messenger.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(sends.map((r) => r.body?.message?.text)).toEqual([
      'Yes, we ship to Canada: 5 to 7 business days. Anything else?',
    ]);
  });

  test('an AI handover says so and leaves the box to the person; the thread shows the handover state', async () => {
    openai.enqueue({
      toolCalls: [{ name: 'handover_to_human', arguments: JSON.stringify({ reason: 'Refund dispute' }) }],
    });
    const section = page.locator('section#conversations');
    await section.getByRole('button', { name: 'Draft with AI' }).click();
    await section.getByText('The AI handed over to a person: Refund dispute').waitFor();
    expect(await section.getByLabel('Reply').inputValue()).toBe('');

    // A conversation handed over (by the automatic replies, or Kustomer) is flagged in the list and thread.
    await gw
      .db('conversations')
      .where({ id: await conversationIdOf(PSID) })
      .update({ needs_human: true });
    await shopperWrites('Hello? I want my money back.');
    await section.getByText('Needs a person').waitFor();
    await section.getByText(/Handed over to a person/).waitFor();
    await screenshot(page, 'console-handover');
    await closePage(page);
  });

  test('a member may draft and reply too (support agents answer shoppers)', async () => {
    const member = await gw.token(org, 'member', 'mia');
    const memberPage = await openConsole(browser, gw.url, member);
    const section = memberPage.locator('section#conversations');
    await section.getByRole('button', { name: new RegExp(PSID) }).click();
    await section.getByRole('button', { name: 'Draft with AI' }).waitFor();
    await section.getByLabel('Reply').waitFor();
    await closePage(memberPage);
  });
});
