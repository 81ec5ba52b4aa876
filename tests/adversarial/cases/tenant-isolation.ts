/**
 * Tenant isolation: every resolver that takes an id, called with another organization's ids; an
 * account changing hands; many organizations at once on the database's small pool.
 */
import { randomUUID } from 'node:crypto';
import { MessengerWebhookSender, messengerEvents as ev, newMid } from '../../support/messenger-simulator';
import { ShopifyWebhookSender, shopifyPayloads } from '../../support/shopify-webhooks';
import { defineCategory } from '../support/catalogue';
import { expectCode, pollUntil } from '../support/checks';
import {
  MESSENGER_APP_SECRET,
  SHOPIFY_WEBHOOK_SECRET,
  sharedWorld,
  type Org,
  type World,
} from '../support/world';

interface Ctx {
  w: World;
  /** The victim: a Messenger Page with one conversation holding SECRET_TEXT. */
  a: Org;
  /** The attacker: an admin of another organization. */
  b: Org;
  conversationId: string;
  eventId: string;
  secretText: string;
  orgAName: string;
}

const PAGE_A = '104857600000071';
const CONNECT = `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { errorCode integration { __typename } } }`;
const DISCONNECT = `mutation($p: Provider!) { disconnectIntegration(provider: $p) { errorCode } }`;

async function connect(w: World, token: string, input: Record<string, unknown>) {
  const { body } = await w.gw.graphql(CONNECT, { input }, token);
  if (body.errors) throw new Error(`connect ${JSON.stringify(input)}: ${JSON.stringify(body.errors)}`);
}

/** B's attempt is refused with `code` and nothing of A's is in the answer. */
async function refusedForB(
  c: Ctx,
  query: string,
  variables: Record<string, unknown>,
  code: string,
  token = c.b.admin,
) {
  const res = await c.w.gw.graphql(query, variables, token);
  expectCode(res, code, { forbidden: [c.secretText, c.orgAName, PAGE_A] });
  return res;
}

export const tenancyCases = defineCategory<Ctx>({
  category: 'tenant isolation',
  async setup() {
    const w = await sharedWorld();
    const a = await w.org();
    const b = await w.org();
    const orgAName = `Victim Corp ${randomUUID().slice(0, 6)}`;
    // A's name comes from its token's org_name claim.
    await w.gw.graphql('{ viewer { userId } }', {}, await w.gw.token(a.id, 'member'));
    await w.gw.db('organizations').where({ id: a.id }).update({ name: orgAName });
    await connect(w, a.admin, { messenger: { pageId: PAGE_A } });
    const secretText = `my card ends 4242 ${randomUUID()}`;
    const mid = newMid();
    const meta = new MessengerWebhookSender(w.gw.url, MESSENGER_APP_SECRET);
    const sent = await meta.send(
      ev.delivery([{ pageId: PAGE_A, messaging: [ev.text(PAGE_A, '7000000000000071', secretText, mid)] }]),
    );
    if (sent.status !== 200) throw new Error(`set-up webhook: ${sent.status}`);
    const rows = await pollUntil(
      () => w.gw.db('conversations').where({ organization_id: a.id }),
      (r) => r.length > 0,
    );
    const [event] = await w.gw.db('webhook_events').where({ provider: 'messenger', organization_id: a.id });
    if (!rows[0] || !event) throw new Error('set-up: no conversation or event for A');
    return { w, a, b, conversationId: rows[0].id, eventId: event.id, secretText, orgAName };
  },
  teardown: async () => {},
  cases: [
    {
      name: "organization(id:) with another organization's id",
      expected: 'FORBIDDEN, audited DENIED for the caller',
      async run(c) {
        await refusedForB(
          c,
          `query($id: ID) { organization(id: $id) { name } }`,
          { id: c.a.id },
          'FORBIDDEN',
        );
        const entries = await c.w.gw.auditLog(c.b.admin, 10, 'action outcome errorCode');
        expect(entries.find((e) => e.errorCode === 'FORBIDDEN')).toMatchObject({ outcome: 'DENIED' });
      },
    },
    {
      name: "conversation(id:) with another organization's conversation",
      expected: 'null, nothing of it in the answer',
      async run(c) {
        const res = await c.w.gw.graphql(
          `query($id: ID!) { organization { conversation(id: $id) { id messages { edges { node { text } } } } } }`,
          { id: c.conversationId },
          c.b.member,
        );
        expect(JSON.stringify(res.body)).not.toContain(c.secretText);
        expect(res.body.data?.organization?.conversation ?? null).toBeNull();
      },
    },
    {
      name: "markConversationRead on another organization's conversation",
      expected: 'NOT_FOUND, its read mark unchanged',
      async run(c) {
        await refusedForB(
          c,
          `mutation($id: ID!) { markConversationRead(conversationId: $id) { conversation { id } } }`,
          { id: c.conversationId },
          'NOT_FOUND',
        );
        const [row] = await c.w.gw.db('conversations').where({ id: c.conversationId });
        expect(row.last_read_at).toBeNull();
      },
    },
    {
      name: "sendMessage into another organization's conversation",
      expected: 'NOT_FOUND, no message stored, nothing sent',
      async run(c) {
        const before = await c.w.gw.db('messages').where({ conversation_id: c.conversationId });
        await refusedForB(
          c,
          `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }`,
          {
            input: {
              conversationId: c.conversationId,
              content: { text: { body: 'phish' } },
              idempotencyKey: randomUUID(),
            },
          },
          'NOT_FOUND',
        );
        expect(await c.w.gw.db('messages').where({ conversation_id: c.conversationId })).toHaveLength(
          before.length,
        );
      },
    },
    {
      name: "draftReply (AI) on another organization's conversation",
      expected: 'NOT_FOUND before any OpenAI call',
      run: (c) =>
        refusedForB(
          c,
          `mutation($id: ID!) { draftReply(conversationId: $id) { __typename } }`,
          { id: c.conversationId },
          'NOT_FOUND',
          c.b.member,
        ).then(() => undefined),
    },
    {
      name: "replayWebhookEvent with another organization's event",
      expected: 'NOT_FOUND, audited for the caller',
      async run(c) {
        await refusedForB(
          c,
          `mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`,
          { id: c.eventId },
          'NOT_FOUND',
        );
        const entries = await c.w.gw.auditLog(c.b.admin, 10, 'action outcome errorCode');
        expect(entries.find((e) => e.action === 'webhook.replay')).toMatchObject({
          outcome: 'ERROR',
          errorCode: 'NOT_FOUND',
        });
      },
    },
    {
      name: "the caller's own lists (conversations, webhook events, audit log) hold none of another's rows",
      expected: 'empty lists',
      async run(c) {
        const res = await c.w.gw.graphql(
          `{ organization { conversations(first: 50) { edges { node { id } } } webhookEvents(first: 50) { edges { node { id } } } auditLog(first: 50) { edges { node { accountKey } } } } }`,
          {},
          c.b.admin,
        );
        const text = JSON.stringify(res.body);
        expect(res.body.errors).toBeUndefined();
        for (const forbidden of [c.conversationId, c.eventId, PAGE_A, c.secretText])
          expect(text).not.toContain(forbidden);
      },
    },
    {
      name: "platform-only fields (support view, organization search, legacy imports) for an organization's admin",
      expected: 'FORBIDDEN each',
      async run(c) {
        await refusedForB(c, `{ supportAttention { __typename } }`, {}, 'FORBIDDEN');
        await refusedForB(c, `{ organizations(search: "Victim") { id } }`, {}, 'FORBIDDEN');
        await refusedForB(c, `{ legacyImportRuns { __typename } }`, {}, 'FORBIDDEN');
      },
    },
    {
      name: 'claiming a store another organization holds',
      expected: 'ACCOUNT_ALREADY_CONNECTED, the holder not named',
      async run(c) {
        const holder = await c.w.org();
        await connect(c.w, holder.admin, { shopify: { storeName: 'held-store' } });
        const res = await c.w.gw.graphql(
          CONNECT,
          { input: { shopify: { storeName: 'held-store' } } },
          c.b.admin,
        );
        expectCode(res, 'ACCOUNT_ALREADY_CONNECTED', { forbidden: [holder.id] });
      },
    },
    {
      name: 'a store changing hands: the old holder reads nothing, webhooks go to the new one',
      expected: 'INTEGRATION_NOT_CONNECTED for the old; events routed to the new',
      async run(c) {
        const [oldOrg, newOrg] = [await c.w.org(), await c.w.org()];
        await connect(c.w, oldOrg.admin, { shopify: { storeName: 'moving-store' } });
        await c.w.gw.graphql(DISCONNECT, { p: 'SHOPIFY' }, oldOrg.admin);
        await connect(c.w, newOrg.admin, { shopify: { storeName: 'moving-store' } });
        const read = await c.w.gw.graphql(
          `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 1) { edges { cursor } } } } } }`,
          {},
          oldOrg.member,
        );
        expectCode(read, 'INTEGRATION_NOT_CONNECTED');
        const shopify = new ShopifyWebhookSender(c.w.gw.url, SHOPIFY_WEBHOOK_SECRET);
        const sent = await shopify.send({
          topic: 'orders/updated',
          shop: 'moving-store',
          payload: shopifyPayloads.order(5501, { id: 9, email: 'x@example.com' }),
        });
        expect(sent.status).toBe(200);
        // The owner is looked up when the event is processed.
        const [row] = await pollUntil(
          () => c.w.gw.db('webhook_events').where({ provider: 'shopify', provider_event_id: sent.webhookId }),
          (rows) => rows[0]?.state === 'done',
        );
        expect(row).toMatchObject({ state: 'done', organization_id: newOrg.id });
      },
    },
    {
      name: 'a member changes AI settings (the model and spend ceiling)',
      expected: 'FORBIDDEN',
      run: (c) =>
        refusedForB(
          c,
          `mutation { updateAiSettings(input: { enabled: true, model: "gpt-4o" }) { __typename } }`,
          {},
          'FORBIDDEN',
          c.b.member,
        ).then(() => undefined),
    },
    {
      name: '24 organizations at once on the small pool, each connecting and reading',
      expected: 'every answer its own, no error',
      async run(c) {
        const orgs = await Promise.all(Array.from({ length: 24 }, () => c.w.org()));
        const results = await Promise.all(
          orgs.map(async (org, i) => {
            const store = `pool-store-${i}-${org.id.slice(0, 4)}`;
            await connect(c.w, org.admin, { shopify: { storeName: store } });
            const res = await c.w.gw.graphql(
              `{ organization { id integration(provider: SHOPIFY) { ... on ShopifyIntegration { storeName orders(first: 2) { edges { cursor } } } } auditLog(first: 10) { edges { node { accountKey } } } } }`,
              {},
              org.admin,
            );
            return { org, store, res };
          }),
        );
        for (const { org, store, res } of results) {
          expect(res.body.errors).toBeUndefined();
          expect(res.body.data.organization.id).toBe(org.id);
          expect(res.body.data.organization.integration.storeName).toBe(store);
          const keys = res.body.data.organization.auditLog.edges.map((e: any) => e.node.accountKey);
          expect(keys.every((k: string | null) => k === null || k === store)).toBe(true);
        }
      },
    },
  ],
});
