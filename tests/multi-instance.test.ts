import {
  PROVIDERS_CONFIGURED_OFFLINE,
  createTestDatabaseUrl,
  newOrgId,
  startTestGateway,
  testPostgresUrl,
} from './support/harness';

/**
 * Instances share PostgreSQL and nothing else. Integration rows are cached per instance, so a change
 * made through one instance must reach the others at once: a disconnected store must stop serving
 * its former organization everywhere, not after a cache expires.
 */
(testPostgresUrl() ? describe : describe.skip)('several gateway instances on one PostgreSQL', () => {
  test('a disconnect through instance A is seen by instance B within moments', async () => {
    const url = await createTestDatabaseUrl();
    const a = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE, { databaseUrl: url });
    const b = await startTestGateway(PROVIDERS_CONFIGURED_OFFLINE, { databaseUrl: url });
    try {
      // The cache is only trusted while the change feed is heard; this test is about that case.
      expect(a.gateway.services.integrationChanges?.listening).toBe(true);
      expect(b.gateway.services.integrationChanges?.listening).toBe(true);
      const org = newOrgId();
      const admin = await a.token(org, 'admin');
      const STATUS = `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { status storeName } } } }`;
      await a.graphql(
        `mutation { connectIntegration(input: { shopify: { storeName: "multi-store" } }) { integration { __typename } } }`,
        {},
        admin,
      );
      // B reads (and caches) the connected row.
      expect((await b.graphql(STATUS, {}, admin)).body.data.organization.integration.status).toBe(
        'CONNECTED',
      );

      await a.graphql(
        `mutation { disconnectIntegration(provider: SHOPIFY) { integration { __typename } } }`,
        {},
        admin,
      );
      let seen = '';
      for (let i = 0; i < 50 && seen !== 'DISCONNECTED'; i++) {
        seen = (await b.graphql(STATUS, {}, admin)).body.data.organization.integration.status;
        if (seen !== 'DISCONNECTED') await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toBe('DISCONNECTED');

      // The store is free for another organization, through either instance.
      const other = await b.token(newOrgId(), 'admin');
      const claim = await b.graphql(
        `mutation { connectIntegration(input: { shopify: { storeName: "multi-store" } }) { integration { ... on ShopifyIntegration { status } } } }`,
        {},
        other,
      );
      expect(claim.body.data.connectIntegration.integration.status).toBe('CONNECTED');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
