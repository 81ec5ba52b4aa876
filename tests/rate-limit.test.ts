import {
  PROVIDERS_CONFIGURED_OFFLINE,
  newOrgId,
  startTestGateway,
  type TestGateway,
} from './support/harness';

const DISCONNECT = `mutation { disconnectIntegration(provider: STRIPE) { integration { __typename } } }`;

describe('per-organization rate limits (in memory)', () => {
  let gw: TestGateway;
  // Scale 0.02: the mutation budget of 120 a minute becomes 2.
  beforeAll(async () => {
    gw = await startTestGateway({ ...PROVIDERS_CONFIGURED_OFFLINE, RATE_LIMIT_SCALE: '0.02' });
  });
  afterAll(() => gw.close());

  test('past its budget an organization gets RATE_LIMITED with a retry hint, audited as DENIED; others are unaffected', async () => {
    const org = newOrgId();
    const admin = await gw.token(org, 'admin');
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await gw.graphql(DISCONNECT, {}, admin);
      codes.push(body.errors?.[0]?.extensions?.code ?? 'OK');
      if (i === 2) expect(body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    }
    expect(codes).toEqual(['OK', 'OK', 'RATE_LIMITED']);

    const other = await gw.token(newOrgId(), 'admin');
    expect((await gw.graphql(DISCONNECT, {}, other)).body.errors).toBeUndefined();

    const log = await gw.graphql(
      `{ organization { auditLog(first: 1) { edges { node { outcome errorCode } } } } }`,
      {},
      admin,
    );
    expect(log.body.data.organization.auditLog.edges[0].node).toEqual({
      outcome: 'DENIED',
      errorCode: 'RATE_LIMITED',
    });
  });
});

const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
(redisUrl ? describe : describe.skip)('per-organization rate limits shared through Redis', () => {
  test('two gateway instances together allow exactly the budget', async () => {
    const a = await startTestGateway({
      ...PROVIDERS_CONFIGURED_OFFLINE,
      RATE_LIMIT_SCALE: '0.02',
      REDIS_URL: redisUrl,
    });
    const b = await startTestGateway({
      ...PROVIDERS_CONFIGURED_OFFLINE,
      RATE_LIMIT_SCALE: '0.02',
      REDIS_URL: redisUrl,
    });
    try {
      const token = await a.token(newOrgId(), 'admin');
      const results = await Promise.all([a, b, a, b, a, b].map((gw) => gw.graphql(DISCONNECT, {}, token)));
      const limited = results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      expect(results.length - limited.length).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
