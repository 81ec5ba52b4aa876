/**
 * Audit integrity: the trail cannot be changed or erased, says who really acted (from the token,
 * never from input), keeps secrets and bulk out of its rows, and cannot be used to inject into logs.
 */
import { randomUUID } from 'node:crypto';
import { defineCategory } from '../support/catalogue';
import { expectCode, expectNoLeak } from '../support/checks';
import { sharedWorld, type World } from '../support/world';

const CONNECT = `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { errorCode } }`;

async function rowsOf(w: World, orgId: string, action?: string) {
  const q = w.gw.db('audit_log').where({ organization_id: orgId }).orderBy('id', 'desc');
  return action ? q.andWhere({ action }) : q;
}

export const auditCases = defineCategory<World>({
  category: 'audit integrity',
  setup: () => sharedWorld(),
  teardown: async () => {},
  cases: [
    {
      name: 'UPDATE, DELETE and TRUNCATE on the audit log, straight in the database',
      expected: 'refused by the database; the row unchanged',
      async run(w) {
        const org = await w.org();
        await w.gw.graphql(CONNECT, { s: `audited-${randomUUID().slice(0, 6)}` }, org.admin);
        const [row] = await rowsOf(w, org.id, 'integration.connect');
        expect(row).toBeDefined();
        await expect(
          w.gw.db('audit_log').where({ id: row.id }).update({ outcome: 'denied' }),
        ).rejects.toThrow(/append-only|permission denied/);
        await expect(w.gw.db('audit_log').where({ id: row.id }).delete()).rejects.toThrow(
          /append-only|permission denied/,
        );
        await expect(w.gw.db.raw('TRUNCATE audit_log')).rejects.toThrow();
        const [after] = await w.gw.db('audit_log').where({ id: row.id });
        expect(after).toEqual(row);
      },
    },
    {
      name: 'the actor is the token’s subject and role, the request id the caller’s (when well formed)',
      expected: 'actorId/actorRole from the token; requestId echoed',
      async run(w) {
        const org = await w.org();
        const token = await w.gw.token(org.id, 'member', 'agent-smith');
        const requestId = `req-${randomUUID()}`;
        const res = await w.gw.graphql(
          `mutation { disconnectIntegration(provider: SHOPIFY) { errorCode } }`,
          {},
          token,
          { 'x-request-id': requestId },
        );
        expectCode(res, 'FORBIDDEN');
        const [row] = await rowsOf(w, org.id, 'integration.disconnect');
        expect(row).toMatchObject({
          actor_id: 'agent-smith',
          actor_role: 'member',
          outcome: 'denied',
          request_id: requestId,
        });
      },
    },
    {
      name: 'a request id built to forge log lines (CRLF, JSON, 500 characters)',
      expected: 'replaced by a fresh UUID in the header, the log and the audit row',
      async run(w) {
        const org = await w.org();
        for (const forged of [
          'abc\r\n{"level":"info","msg":"admin logged in"}',
          'x'.repeat(500),
          '"}, "orgId": "other',
        ]) {
          const res = await fetch(`${w.gw.url}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${org.member}`,
              'x-request-id': encodeURI(forged) === forged ? forged : forged.replace(/[\r\n]/g, ' '),
            },
            body: JSON.stringify({
              query: 'mutation { disconnectIntegration(provider: SHOPIFY) { errorCode } }',
            }),
          });
          expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        }
        const rows = await rowsOf(w, org.id, 'integration.disconnect');
        expect(rows).toHaveLength(3);
        for (const row of rows) expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
      },
    },
    {
      name: 'an audited mutation without a token',
      expected: 'UNAUTHENTICATED; no row filed under any organization',
      async run(w) {
        const store = `anon-${randomUUID().slice(0, 8)}`;
        const before = await w.gw.db('audit_log').count<{ count: string }[]>({ count: '*' });
        expectCode(await w.gw.graphql(CONNECT, { s: store }), 'UNAUTHENTICATED');
        const after = await w.gw.db('audit_log').count<{ count: string }[]>({ count: '*' });
        expect(await w.gw.db('audit_log').whereRaw(`arguments::text LIKE ?`, [`%${store}%`])).toHaveLength(0);
        expect(Number(after[0]!.count)).toBeGreaterThanOrEqual(Number(before[0]!.count));
      },
    },
    {
      name: 'AI instructions (business text) given to an audited mutation',
      expected: 'stored as [REDACTED] in the audit row',
      async run(w) {
        const org = await w.org();
        const text = `Never mention our supplier ${randomUUID()}`;
        await w.gw.graphql(
          `mutation($i: String) { updateAiSettings(input: { instructions: $i }) { __typename } }`,
          { i: text },
          org.admin,
        );
        const rows = await rowsOf(w, org.id);
        expect(rows.length).toBeGreaterThan(0);
        const stored = JSON.stringify(rows.map((r) => r.arguments));
        expect(stored).not.toContain(text);
        expect(stored).toContain('[REDACTED]');
      },
    },
    {
      name: 'a 100 000-character argument',
      expected: 'BAD_USER_INPUT; the audit row keeps at most 500 characters of it',
      async run(w) {
        const org = await w.org();
        expectCode(await w.gw.graphql(CONNECT, { s: 'b'.repeat(100_000) }, org.admin), 'BAD_USER_INPUT');
        const [row] = await rowsOf(w, org.id, 'integration.connect');
        expect(row.outcome).toBe('error');
        expect(JSON.stringify(row.arguments).length).toBeLessThan(1000);
      },
    },
    {
      name: 'a failed provider call in the audit trail',
      expected: 'ERROR with the stable code; no upstream body in the row or the API',
      async run(w) {
        const org = await w.org();
        const store = `audit-fail-${randomUUID().slice(0, 6)}`;
        await w.gw.graphql(CONNECT, { s: store }, org.admin);
        const marker = `body-${randomUUID()}`;
        w.shopify.failNext({ status: 500, body: { errors: marker }, times: 4, store });
        await w.gw.graphql(`mutation { testIntegration(provider: SHOPIFY) { errorCode } }`, {}, org.admin);
        const [row] = await rowsOf(w, org.id, 'integration.test');
        expect(row).toMatchObject({ outcome: 'error', error_code: 'UPSTREAM_UNAVAILABLE' });
        expect(JSON.stringify(row)).not.toContain(marker);
        const api = await w.gw.graphql(
          `{ organization { auditLog(first: 20) { edges { node { action outcome errorCode accountKey } } } } }`,
          {},
          org.admin,
        );
        expectNoLeak(JSON.stringify(api.body), 'the answer', { forbidden: [marker] });
      },
    },
  ],
});
