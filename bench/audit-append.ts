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
 * Prints one JSON line: `AUDIT_RESULT {...}`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditRepo, type AuditEntry } from '../src/db/audit.repo';
import { createDatabase, engineName } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
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

    await sequential(() => audit.append(entry()), WARMUP);
    await sequential(() => db.raw('select 1'), WARMUP);
    const selectOne = await sequential(() => db.raw('select 1'), N);
    const appendSequential = await sequential(() => audit.append(entry()), N);
    const appendConcurrent = await concurrent(() => audit.append(entry()), N, 10);
    console.log(
      `AUDIT_RESULT ${JSON.stringify({ engine: engineName(db), selectOne, appendSequential, appendConcurrent })}`,
    );
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('audit micro-benchmark failed:', error);
  process.exit(1);
});
