/**
 * Tokens that are correctly signed but must still be refused (claims with control characters, no
 * `exp`, expired beyond the clock tolerance), and what a client sees when building the request's
 * context fails for any other reason: never the database's or driver's text.
 */
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { CLOCK_TOLERANCE_SECONDS } from '../src/auth/token-verifier';
import { createLogger } from '../src/observability/logger';
import { TEST_JWT_SECRET, newOrgId, startTestGateway, type TestGateway } from './support/harness';

const lines: string[] = [];
let gw: TestGateway;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  gw = await startTestGateway({}, { logger: createLogger('info', sink) });
});
afterAll(() => gw.close());

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An HS256 token signed with the gateway's secret; `exp` (epoch seconds) is left out when null. */
function sign(claims: Record<string, unknown>, exp: number | null = nowSeconds() + 600) {
  const jwt = new SignJWT({ role: 'admin', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject((claims.sub as string | undefined) ?? 'user-1')
    .setIssuedAt(nowSeconds() - 3600);
  return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(key);
}

const VIEWER = '{ viewer { userId organization { id name } } }';

describe('claims', () => {
  test.each([
    ['org_name holds a NUL', { org_name: 'Acme\u0000Corp' }],
    ['org_name holds a line feed', { org_name: 'Acme\nCorp' }],
    ['sub holds a NUL', { sub: 'user\u0000' }],
  ])('a signed token whose %s is UNAUTHENTICATED, and no SQL reaches the client', async (_name, claims) => {
    const org = newOrgId();
    const token = await sign({ org_id: org, ...claims });
    const { status, body } = await gw.graphql(VIEWER, {}, token);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/claims are invalid/);
    expect(JSON.stringify(body)).not.toMatch(/insert into|organizations|Context creation/i);
    // Nothing was stored for the organization the token named.
    expect(await gw.db('organizations').where({ id: org })).toEqual([]);
  });

  test('an ordinary org_name is still stored', async () => {
    const org = newOrgId();
    const { body } = await gw.graphql(VIEWER, {}, await sign({ org_id: org, org_name: 'Acme Corp' }));
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.organization).toEqual({ id: org, name: 'Acme Corp' });
  });
});

describe('context creation', () => {
  test('a failure other than a refused token answers "Internal server error." and is logged', async () => {
    const organizations = gw.gateway.services.organizations;
    const original = organizations.ensure.bind(organizations);
    organizations.ensure = async () => {
      throw new Error('insert into "organizations" ("id", "name") values ($1, $2) - invalid byte sequence');
    };
    try {
      const res = await fetch(`${gw.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await sign({ org_id: newOrgId() })}`,
          'x-request-id': 'ctx-failure-1',
        },
        body: JSON.stringify({ query: VIEWER }),
      });
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(text).not.toMatch(/insert into|organizations|Context creation/i);
    } finally {
      organizations.ensure = original;
    }
    const logged = lines
      .map((l) => JSON.parse(l))
      .find((l) => l.requestId === 'ctx-failure-1' && l.level === 'error');
    expect(logged).toMatchObject({
      msg: 'context creation failed',
      err: { message: expect.stringMatching(/insert into/) },
    });
  });
});

describe('expiry', () => {
  test('a token without exp is UNAUTHENTICATED and says exp is required', async () => {
    const { body } = await gw.graphql(VIEWER, {}, await sign({ org_id: newOrgId() }, null));
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/\bexp\b/);
  });

  test(`a token that expired 10 s ago is accepted (clock tolerance ${CLOCK_TOLERANCE_SECONDS} s)`, async () => {
    expect(CLOCK_TOLERANCE_SECONDS).toBeGreaterThan(10);
    const org = newOrgId();
    const { body } = await gw.graphql(VIEWER, {}, await sign({ org_id: org }, nowSeconds() - 10));
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.organization.id).toBe(org);
  });

  test('a token that expired 5 minutes ago is refused', async () => {
    const { body } = await gw.graphql(VIEWER, {}, await sign({ org_id: newOrgId() }, nowSeconds() - 300));
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toBe('The token has expired.');
  });
});
