/**
 * The defences issue 14 added, attacked: account claims waiting for approval, scopes the platform's
 * app was not granted, row-level security behind the resolvers, and the audit of customer-data reads.
 */
import { randomUUID } from 'node:crypto';
import { forOrganization, tenantGuardEnforcing } from '../../../src/db/tenant-scope';
import { IntegrationsService } from '../../../src/services/integrations.service';
import type { Services } from '../../../src/services/services';
import { ShopifyWebhookSender, shopifyPayloads } from '../../support/shopify-webhooks';
import { defineCategory } from '../support/catalogue';
import { expectCode, pollUntil } from '../support/checks';
import { SHOPIFY_WEBHOOK_SECRET, sharedWorld, type World } from '../support/world';

const CONNECT = `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { errorCode integration { ... on IntegrationCommon { status } } } }`;
const ORDERS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { orders(first: 2) { edges { node { id email } } } } } } }`;

/**
 * Runs `work` with ACCOUNT_CLAIM_POLICY=approval on the shared gateway (the policy is the
 * integrations service's; a second gateway would cost more than the cases).
 */
async function withApprovalPolicy<T>(w: World, work: () => Promise<T>): Promise<T> {
  const services = w.gw.gateway.services as { -readonly [K in keyof Services]: Services[K] };
  const open = services.integrations;
  services.integrations = new IntegrationsService(services.integrationsRepo, services.runtime, 'approval');
  try {
    return await work();
  } finally {
    services.integrations = open;
  }
}

export const newDefenceCases = defineCategory<World>({
  category: 'claims, scopes, RLS, read audit',
  setup: () => sharedWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'a store claimed under the approval policy, before approval',
      expected:
        'PENDING; reads INTEGRATION_PENDING_APPROVAL with no Shopify call; its webhooks routed to no one',
      async run(w) {
        const org = await w.org();
        const store = `claimed-${randomUUID().slice(0, 8)}`;
        const res = await withApprovalPolicy(w, () => w.gw.graphql(CONNECT, { s: store }, org.admin));
        expect(res.body.data?.connectIntegration?.integration?.status).toBe('PENDING');
        const before = w.shopify.graphqlCalls(store);
        expectCode(await w.gw.graphql(ORDERS, {}, org.member), 'INTEGRATION_PENDING_APPROVAL');
        expect(w.shopify.graphqlCalls(store)).toBe(before);
        const sent = await new ShopifyWebhookSender(w.gw.url, SHOPIFY_WEBHOOK_SECRET).send({
          topic: 'orders/updated',
          shop: store,
          payload: shopifyPayloads.order(9101, { id: 91, email: 'claim@example.com' }),
        });
        const [event] = await pollUntil(
          () => w.gw.db('webhook_events').where({ provider: 'shopify', provider_event_id: sent.webhookId }),
          (rows) => rows[0] !== undefined && !['pending', 'processing'].includes(rows[0].state),
        );
        expect(event.organization_id).toBeNull();
      },
    },
    {
      name: "an organization's admin approving its own pending claim",
      expected: 'FORBIDDEN, still PENDING, audited DENIED',
      async run(w) {
        const org = await w.org();
        const store = `self-approve-${randomUUID().slice(0, 8)}`;
        await withApprovalPolicy(w, () => w.gw.graphql(CONNECT, { s: store }, org.admin));
        const res = await w.gw.graphql(
          `mutation($o: ID!) { approveIntegrationClaim(organizationId: $o, provider: SHOPIFY) { errorCode } }`,
          { o: org.id },
          org.admin,
        );
        expectCode(res, 'FORBIDDEN');
        const [row] = await w.gw.db('integrations').where({ organization_id: org.id, provider: 'shopify' });
        expect(row.status).toBe('pending');
        const denied = await w.gw
          .db('audit_log')
          .where({ organization_id: org.id, outcome: 'denied', error_code: 'FORBIDDEN' });
        expect(denied.length).toBeGreaterThan(0);
      },
    },
    {
      name: 'a pending claim on a store another organization then connects',
      expected: 'the pending claim blocks no one: the real owner connects',
      async run(w) {
        const [squatter, owner] = [await w.org(), await w.org()];
        const store = `squatted-${randomUUID().slice(0, 8)}`;
        await withApprovalPolicy(w, () => w.gw.graphql(CONNECT, { s: store }, squatter.admin));
        const res = await w.gw.graphql(CONNECT, { s: store }, owner.admin);
        expect(res.body.data?.connectIntegration?.integration?.status).toBe('CONNECTED');
      },
    },
    {
      name: "a call needing a scope the platform's app was not granted",
      expected: 'PROVIDER_SCOPE_MISSING before any Shopify call',
      async run(w) {
        const org = await w.org();
        const store = `no-orders-${randomUUID().slice(0, 8)}`;
        w.shopify.fixtures(store).accessScopes = ['read_products', 'read_customers'];
        await w.gw.graphql(CONNECT, { s: store }, org.admin);
        await w.gw.graphql(`mutation { testIntegration(provider: SHOPIFY) { errorCode } }`, {}, org.admin);
        const before = w.shopify.graphqlCalls(store);
        const res = await w.gw.graphql(ORDERS, {}, org.member);
        expectCode(res, 'PROVIDER_SCOPE_MISSING');
        expect(res.body.errors?.[0]?.message).toMatch(/read_orders/);
        expect(w.shopify.graphqlCalls(store)).toBe(before);
      },
    },
    {
      name: "another organization's rows, read and written in the database with one organization's scope",
      expected: 'none seen; the write refused by row-level security',
      skip: () =>
        process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
          ? undefined
          : 'row-level security is PostgreSQL’s',
      async run(w) {
        if (!tenantGuardEnforcing(w.gw.db))
          throw new Error('the gateway runs without the tenant guard (no app role)');
        const [victim, attacker] = [await w.org(), await w.org()];
        await w.gw.graphql(CONNECT, { s: `rls-${randomUUID().slice(0, 8)}` }, victim.admin);
        const seen = await forOrganization(attacker.id, () =>
          w.gw.db('integrations').where({ organization_id: victim.id }),
        );
        expect(seen).toHaveLength(0);
        const audit = await forOrganization(attacker.id, () =>
          w.gw.db('audit_log').where({ organization_id: victim.id }),
        );
        expect(audit).toHaveLength(0);
        await expect(
          forOrganization(attacker.id, () =>
            w.gw
              .db('integrations')
              .insert({ organization_id: victim.id, provider: 'klaviyo', status: 'disconnected' }),
          ),
        ).rejects.toThrow(/row-level security/);
      },
    },
    {
      name: 'a read of customer data (orders with emails)',
      expected: 'one read.customer_data audit row naming fields, holding no customer value',
      async run(w) {
        const org = await w.org();
        const store = `read-audit-${randomUUID().slice(0, 8)}`;
        await w.gw.graphql(CONNECT, { s: store }, org.admin);
        const res = await w.gw.graphql(ORDERS, {}, org.member);
        expect(res.body.errors).toBeUndefined();
        const emails = res.body.data.organization.integration.orders.edges
          .map((e: any) => e.node.email)
          .filter(Boolean);
        const rows = await pollUntil(
          () => w.gw.db('audit_log').where({ organization_id: org.id, action: 'read.customer_data' }),
          (r) => r.length > 0,
        );
        expect(rows).toHaveLength(1);
        const stored = JSON.stringify(rows[0]);
        for (const email of emails) expect(stored).not.toContain(email);
      },
    },
  ],
});
