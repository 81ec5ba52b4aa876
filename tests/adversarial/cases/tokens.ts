/** Token handling: every way a caller might get in without a valid token, or widen the one it has. */
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { newOrgId, TEST_JWT_SECRET } from '../../support/harness';
import { defineCategory } from '../support/catalogue';
import { expectCleanLog, expectCode, sleep } from '../support/checks';
import { sharedWorld, type World } from '../support/world';

const VIEWER = '{ viewer { userId role organization { id } } }';

const sign = (
  claims: Record<string, unknown>,
  {
    secret = TEST_JWT_SECRET,
    exp = '1h' as string | number | null,
    alg = 'HS256',
    nbf = undefined as number | undefined,
  } = {},
) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt();
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  if (nbf !== undefined) jwt = jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(secret));
};
const claims = (over: Record<string, unknown> = {}) => ({
  sub: 'mallory',
  org_id: newOrgId(),
  role: 'admin',
  ...over,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The token is refused with UNAUTHENTICATED, no data, and the token itself never reaches the log. */
async function refused(w: World, token: string, message?: RegExp) {
  const mark = w.logs.length;
  const res = await w.gw.graphql(VIEWER, {}, token);
  expectCode(res, 'UNAUTHENTICATED');
  expect(res.body.data ?? null).toBeNull();
  if (message) expect(res.body.errors?.[0]?.message).toMatch(message);
  expectCleanLog(w.logsSince(mark), [token]);
}

/** No organization row was created for a refused token's org_id. */
async function noOrganization(w: World, orgId: string) {
  expect(await w.gw.db('organizations').where({ id: orgId })).toHaveLength(0);
}

export const tokenCases = defineCategory<World>({
  category: 'token handling',
  setup: () => sharedWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'no Authorization header',
      expected: 'UNAUTHENTICATED, data null',
      async run(w) {
        const res = await w.gw.graphql(VIEWER);
        expectCode(res, 'UNAUTHENTICATED');
        expect(res.body.data ?? null).toBeNull();
      },
    },
    {
      name: 'a Basic scheme instead of Bearer',
      expected: 'UNAUTHENTICATED naming the Bearer form',
      async run(w) {
        const res = await w.gw.graphql(VIEWER, {}, undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' });
        expectCode(res, 'UNAUTHENTICATED');
        expect(res.body.errors?.[0]?.message).toMatch(/Bearer/);
      },
    },
    {
      name: 'platform_admin claimed under another secret',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        const c = claims({ role: 'platform_admin' });
        await refused(w, await sign(c, { secret: 'attacker-secret-attacker-secret-attacker-secret' }));
        await noOrganization(w, c.org_id);
      },
    },
    {
      name: '"alg: none" with an empty signature',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        const c = claims({ role: 'platform_admin', exp: Math.floor(Date.now() / 1000) + 3600 });
        await refused(w, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(c)}.`);
        await noOrganization(w, c.org_id);
      },
    },
    {
      name: 'HS512 under the right secret (algorithm not allowed)',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        await refused(w, await sign(claims(), { alg: 'HS512' }));
      },
    },
    {
      name: 'payload swapped to platform_admin, signature kept',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        const c = claims({ role: 'member' });
        const [header, , signature] = (await sign(c)).split('.');
        const forged = `${header}.${b64({ ...c, role: 'platform_admin', exp: Math.floor(Date.now() / 1000) + 3600 })}.${signature}`;
        await refused(w, forged);
      },
    },
    {
      name: 'expired five minutes ago',
      expected: 'UNAUTHENTICATED "expired"',
      async run(w) {
        await refused(w, await sign(claims(), { exp: Math.floor(Date.now() / 1000) - 300 }), /expired/);
      },
    },
    {
      name: 'no exp claim (a token good forever)',
      expected: 'UNAUTHENTICATED "exp"',
      async run(w) {
        await refused(w, await sign(claims(), { exp: null }), /exp/);
      },
    },
    {
      name: 'not valid before an hour from now (nbf)',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        await refused(w, await sign(claims(), { nbf: Math.floor(Date.now() / 1000) + 3600 }));
      },
    },
    {
      name: 'role outside the three roles ("owner")',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        await refused(w, await sign(claims({ role: 'owner' })), /claims/);
      },
    },
    {
      name: 'org_id that is not a UUID ("*", a path, SQL)',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        for (const orgId of ['*', '../00000000-0000-0000-0000-000000000000', "' OR 1=1 --"]) {
          await refused(w, await sign(claims({ org_id: orgId })));
        }
      },
    },
    {
      name: 'org_name with a NUL, and one of 10 000 characters',
      expected: 'UNAUTHENTICATED, no organization row',
      async run(w) {
        const a = claims({ org_name: 'Acme\u0000Corp' });
        const b = claims({ org_name: 'x'.repeat(10_000) });
        await refused(w, await sign(a));
        await refused(w, await sign(b));
        await noOrganization(w, a.org_id);
        await noOrganization(w, b.org_id);
      },
    },
    {
      name: 'a 12 KB Authorization header',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        await refused(w, `${await sign(claims())}${'A'.repeat(12_000)}`);
      },
    },
    {
      name: 'token in the query string (?access_token=) is not read',
      expected: 'UNAUTHENTICATED',
      async run(w) {
        const token = await sign(claims());
        const res = await fetch(`${w.gw.url}/graphql?access_token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: VIEWER }),
        });
        expectCode({ status: res.status, body: (await res.json()) as any }, 'UNAUTHENTICATED');
      },
    },
    {
      name: 'a member calls an admin mutation',
      expected: 'FORBIDDEN, audited DENIED, nothing connected',
      async run(w) {
        const org = await w.org();
        const res = await w.gw.graphql(
          `mutation { connectIntegration(input: { shopify: { storeName: "member-grab" } }) { integration { __typename } } }`,
          {},
          org.member,
        );
        expectCode(res, 'FORBIDDEN');
        const entries = await w.gw.auditLog(org.admin, 10);
        expect(entries.find((e) => e.action === 'integration.connect')).toMatchObject({
          action: 'integration.connect',
          outcome: 'DENIED',
          errorCode: 'FORBIDDEN',
        });
        expect(await w.gw.db('integrations').where({ organization_id: org.id })).toHaveLength(0);
      },
    },
    {
      name: 'a WebSocket without a token, and with a forged one',
      expected: 'closed 4401 / 4403',
      async run(w) {
        const close = (params: Record<string, unknown>) =>
          new Promise<number>((resolve, reject) => {
            const socket = new WebSocket(`${w.gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
            socket.on('open', () =>
              socket.send(JSON.stringify({ type: 'connection_init', payload: params })),
            );
            socket.on('close', (code) => resolve(code));
            socket.on('error', reject);
            setTimeout(() => reject(new Error('socket stayed open')), 5000).unref();
          });
        expect(await close({})).toBe(4401);
        const forged = await sign(claims(), { secret: 'attacker-secret-attacker-secret-attacker-secret' });
        expect(await close({ authorization: `Bearer ${forged}` })).toBe(4403);
        await sleep(0);
      },
    },
  ],
});
