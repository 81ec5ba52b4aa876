/**
 * S3's audit write, isolated: AuditRepo.append (the gateway's own code) on the gateway's database
 * engine and configuration — PGlite on a data folder through knex, or PostgreSQL when DATABASE_URL
 * is set — in a process pinned to the gateway's core while nothing else runs there.
 *
 * The gateway cannot be run "without @audit" to subtract the cost end to end, so it is measured
 * here directly: per append wall time (what an audited mutation waits before it answers) and CPU
 * time (what it takes from the gateway's core), one at a time and with 10 in flight. A `select 1`
 * through the same knex instance gives the floor of any statement on this engine.
 *
 * Row-level security's cost (README, "Isolation in depth") is measured here too, in `rls`: the same
 * append and a tenant read (AuditRepo.page, 20 rows of one organization among 10) with the policies
 * off (tables' RLS disabled, statements as the owner) and on (the gateway's role and scope); on, for
 * one organization throughout (the connection keeps its settings: no added round trip) and for two
 * organizations taking turns (every checkout re-applies the settings: one added round trip).
 *
 * Prints one JSON line: `AUDIT_RESULT {...}`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditRepo, type AuditEntry } from '../src/db/audit.repo';
import { createDatabase, engineName } from '../src/db/database';
import { migrateToLatest, rowLevelSecurityRole } from '../src/db/migrate';
import { forOrganization, setTenantGuard } from '../src/db/tenant-scope';
import { OrganizationsRepo } from '../src/db/organizations.repo';
import { summarize } from './lib/load';

const N = Number(process.env.BENCH_AUDIT_N ?? 2000);
const WARMUP = Math.min(500, Math.ceil(N / 4));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-audit-'));
  const db = createDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDataDir: dir });
  try {
    await migrateToLatest(db);
    const orgId = randomUUID();
    await new OrganizationsRepo(db).ensure(orgId, 'bench audit');
    const audit = new AuditRepo(db);
    const entry = (): AuditEntry => ({
      requestId: randomUUID(),
      organizationId: orgId,
      actorId: 'bench-admin',
      actorRole: 'admin',
      action: 'integration.test',
      provider: 'shopify',
      accountKey: 'bench-lat0',
      outcome: 'ok',
      errorCode: null,
      arguments: { provider: 'SHOPIFY' },
    });

    const sequential = async (fn: () => Promise<unknown>, n: number) => {
      const wall = new Float64Array(n);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn();
        wall[i] = performance.now() - t;
      }
      const elapsed = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return {
        n,
        latencyMs: summarize(wall),
        cpuMsPerOp: Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000,
        opsPerSec: Math.round(n / (elapsed / 1000)),
      };
    };
    const concurrent = async (fn: () => Promise<unknown>, n: number, inFlight: number) => {
      const wall: number[] = [];
      let next = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < n) {
            next++;
            const t = performance.now();
            await fn();
            wall.push(performance.now() - t);
          }
        }),
      );
      const elapsed = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return {
        n,
        inFlight,
        latencyMs: summarize(wall),
        cpuMsPerOp: Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000,
        opsPerSec: Math.round(n / (elapsed / 1000)),
      };
    };

    // The gateway's appends run in the acting organization's scope (src/db/tenant-scope.ts).
    const inOrg = <T>(work: () => Promise<T>) => forOrganization(orgId, work);
    await sequential(() => inOrg(() => audit.append(entry())), WARMUP);
    await sequential(() => db.raw('select 1'), WARMUP);
    const selectOne = await sequential(() => db.raw('select 1'), N);
    const appendSequential = await sequential(() => inOrg(() => audit.append(entry())), N);
    const appendConcurrent = await concurrent(() => inOrg(() => audit.append(entry())), N, 10);
    const rls = await rowLevelSecurityCost(db, audit, entry, orgId, sequential);
    console.log(
      `AUDIT_RESULT ${JSON.stringify({ engine: engineName(db), selectOne, appendSequential, appendConcurrent, rls })}`,
    );
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Sequential = (
  fn: () => Promise<unknown>,
  n: number,
) => Promise<{
  latencyMs: { mean: number; p50: number; p99: number };
  cpuMsPerOp: number;
  opsPerSec: number;
}>;

/** The same append and read with the policies off, then on (see the file's comment). */
async function rowLevelSecurityCost(
  db: ReturnType<typeof createDatabase>,
  audit: AuditRepo,
  entry: () => AuditEntry,
  orgId: string,
  sequential: Sequential,
) {
  const orgs = [orgId, ...Array.from({ length: 9 }, () => randomUUID())];
  for (const org of orgs.slice(1)) await new OrganizationsRepo(db).ensure(org, 'bench rls');
  for (const org of orgs) {
    await forOrganization(org, () =>
      audit.appendMany(Array.from({ length: 200 }, () => ({ ...entry(), organizationId: org }))),
    );
  }
  const other = orgs[1]!;
  const read = (org: string) => forOrganization(org, () => audit.page(org, 20));
  const role = rowLevelSecurityRole(db);
  const n = Math.max(200, Math.floor(N / 2));
  const tables = ['audit_log'];

  setTenantGuard(db, false);
  for (const t of tables) await db.raw(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
  await sequential(() => read(orgId), WARMUP);
  const off = {
    read: await sequential(() => read(orgId), n),
    append: await sequential(() => audit.append(entry()), n),
  };
  for (const t of tables) await db.raw(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
  setTenantGuard(db, { appRole: role ?? 'none' });

  await sequential(() => read(orgId), WARMUP);
  let turn = 0;
  const on = {
    read: await sequential(() => read(orgId), n),
    append: await sequential(() => forOrganization(orgId, () => audit.append(entry())), n),
    readTwoOrganizations: await sequential(() => read(turn++ % 2 === 0 ? orgId : other), n),
  };
  return { role: role ?? 'owner (no CREATEROLE)', rowsPerOrganization: 200, organizations: 10, off, on };
}

main().catch((error: unknown) => {
  console.error('audit micro-benchmark failed:', error);
  process.exit(1);
});
