/**
 * `npm run bench`: the gateway against its floor (B0, the upstream called directly) and its peers
 * (B1, a hand-written Node proxy; B2, Hive Gateway in proxy mode), side by side in one run.
 *
 * Layout on a 2-core machine: the process under test (gateway, B1 or B2 — one at a time) runs alone
 * on core 1 (`taskset -c 1`); this process (autocannon) and the upstream run on core 0. The
 * gateway's embedded PGlite runs inside the gateway process, hence on core 1 too.
 *
 * Flags / env:
 *   --soak | BENCH_SOAK=1        only the 5-minute constant-rate memory check (S1), see soak.ts
 *   --quick | BENCH_QUICK=1      short windows (smoke test of the bench itself, numbers are rough)
 *   --only=B0,B1,B2,GW           targets to run (default all); a scenario name runs the gateway with
 *                                only those scenarios: `--only=W1` (or `--only W1`) is the webhook
 *                                acknowledgement alone, `--only=W2` a Messenger delivery to a live
 *                                subscription (W2_DELIVERIES, default 300; quick 100)
 *   --scenarios=S1,S2,W1         gateway scenarios to run (default all)
 *   BENCH_DURATION (s, default 8)   measured window of a run; latency runs use 3/4 of it
 *   BENCH_WARMUP (s, default 2)     warm-up before each measured window
 *   BENCH_TARGET_WARMUP (s, default 10)  load after each process under test starts (JIT/WASM tier-up)
 *   --pglite | BENCH_PGLITE=1     run the gateway on its embedded PGlite (in its own process, core 1)
 *   BENCH_DATABASE_URL           run the gateway on this PostgreSQL; by default the bench uses the
 *                                machine's PostgreSQL cluster pinned to core 0 (lib/postgres.ts), and
 *                                PGlite where there is none
 *   BENCH_GATEWAY_NODE_ARGS      extra node flags for the gateway (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
 *   BENCH_SHOPIFY_MAX_COST       upstream's single-query cost limit (Shopify: 1000; "Infinity" to relax)
 *   BENCH_VERBOSE=1              echo child process output
 */
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadOptions, type LoadResult } from './lib/load';
import {
  cpuBusyBetween,
  cpuSeconds,
  cpuTimes,
  machineInfo,
  memory,
  processTree,
  sampleRss,
} from './lib/proc-stats';
import { freePort, hasTaskset, pinSelf, spawnChild, stopAll, waitForHttp, type Child } from './lib/processes';
import {
  API_VERSION,
  ROOT,
  SHOPIFY_TOKEN,
  SHOPIFY_WEBHOOK_SECRET,
  graphqlUrl,
  startGateway,
  startUpstream,
  storeFor,
  type Upstream,
  type UpstreamStats,
} from './lib/stack';
import { evaluateTargets, printReport, renderMarkdown } from './lib/report';
import {
  S1_PRODUCT_ID,
  S1_UPSTREAM_BODY,
  S1_UPSTREAM_OP,
  S1_VARIANTS,
  s1UpstreamCheck,
  scenarios,
  type Mode,
  type Scenario,
} from './scenarios';
import { runSoak } from './soak';
import {
  W1_NAME,
  W1_PATH,
  w1Check,
  w1Deliveries,
  w1Drain,
  eventsSince,
  w1Processing,
  w1Runs,
  type W1Processing,
} from './webhook-scenario';
import { startBenchPostgres } from './lib/postgres';
import { W2_NAME, pageFor, runW2, w2Pass } from './subscription-scenario';

const args = process.argv.slice(2);
const flag = (name: string) =>
  args.includes(`--${name}`) || process.env[`BENCH_${name.toUpperCase()}`] === '1';
const QUICK = flag('quick');
const DURATION = Number(process.env.BENCH_DURATION ?? (QUICK ? 3 : 8));
const WARMUP = Number(process.env.BENCH_WARMUP ?? (QUICK ? 1 : 2));
/**
 * Load right after a process under test starts, before anything is measured. The gateway needs it:
 * its first ~6 s run at half speed while V8 tiers up PGlite's WebAssembly and the JS hot paths
 * (measured: 1.8 ms CPU per S1 request in the first 2 s, ~1.0 ms from 8 s on), and on one pinned
 * core the background compilers compete with the requests. A gateway in production runs for hours.
 */
const TARGET_WARMUP = Number(process.env.BENCH_TARGET_WARMUP ?? (QUICK ? 4 : 10));
/** `--name=value` or `--name value`. */
const option = (name: string): string | undefined => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(name.length + 3) : args[i + 1];
};
const TARGETS = ['B0', 'B1', 'B2', 'GW'];
const SCENARIO_NAMES = [...scenarios.map((s) => s.name), W1_NAME, W2_NAME];
const onlyList = (option('only') ?? TARGETS.join(',')).split(',').filter(Boolean);
// Scenario names in --only select the gateway with just those scenarios.
const onlyScenarios = onlyList.filter((n) => !TARGETS.includes(n));
const ONLY = [...onlyList.filter((n) => TARGETS.includes(n)), ...(onlyScenarios.length > 0 ? ['GW'] : [])];
const SCENARIOS = option('scenarios')?.split(',') ?? (onlyScenarios.length > 0 ? onlyScenarios : undefined);
const unknown = [...(SCENARIOS ?? [])].filter((n) => !SCENARIO_NAMES.includes(n));
if (unknown.length > 0) {
  console.error(
    `bench: unknown target or scenario ${unknown.join(', ')} (targets ${TARGETS.join(', ')}; scenarios ${SCENARIO_NAMES.join(', ')})`,
  );
  process.exit(2);
}
const selected = (scenario: string) => !SCENARIOS || SCENARIOS.includes(scenario);
/** Hard stop for the whole run: a hung child must not hold the machine. */
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 15 * 60_000);

/** Shopify's published Admin schema, carried in the repository (contracts/SOURCES.md). */
const SHOPIFY_SCHEMA_FILE = join(ROOT, 'contracts', 'shopify', 'admin_schema_2025-01.graphql');

export type TargetName = 'B0' | 'B1' | 'B2' | 'B2n' | 'GW';

export interface RunRecord {
  target: TargetName;
  scenario: string;
  upstreamLatencyMs: number;
  mode: Mode;
  connections: number;
  load?: LoadResult;
  upstreamCallsPerRequest?: number;
  upstreamOpsPerRequest?: Record<string, number>;
  /** CPU time of the process under test (ms per request) and its share of its core over the window. */
  cpuMsPerRequest?: number;
  coreUtilization?: number;
  rssMb?: { max: number; end: number; hwm: number };
  /**
   * Busy share of each CPU over the window, and the share of core 1 used by processes other than
   * the one under test (other work on the machine: it makes the figures pessimistic).
   */
  cpus?: Record<string, { busy: number; steal: number }>;
  foreignLoadCore1?: number;
  /** The measured window (epoch ms), to find what the gateway stored in it. */
  window?: { start: number; end: number };
  /** W1: what became of the events stored in the window. */
  webhooks?: W1Processing;
  error?: string;
}

/** Upstream calls of one store, by operation. */
function storeCalls(stats: UpstreamStats, store: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, route] of Object.entries(stats.routes)) {
    const [s, op] = key.split(' ');
    if (s === store && op) out[op] = route.calls;
  }
  return out;
}

/** What is loaded: a URL, a body, headers and a check; `pid` is the process under test (core 1). */
interface Target {
  name: TargetName;
  url: string;
  headers: Record<string, string>;
  body: string;
  check: (body: string) => boolean;
  pid: number | undefined;
  /** Changes every request (W1: a fresh webhook id per delivery). */
  setupRequest?: LoadOptions['setupRequest'];
}

const parse = (body: string): any => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};
/** A GraphQL answer is right when it has no errors and its data passes the scenario's check. */
const graphqlCheck = (check: (data: any) => boolean) => (body: string) => {
  const json = parse(body);
  return json !== undefined && json.errors === undefined && check(json.data);
};

async function measure(
  target: Target,
  scenario: string,
  run: { upstreamLatencyMs: number; mode: Mode; connections: number },
  upstream: Upstream,
): Promise<RunRecord> {
  const record: RunRecord = { target: target.name, scenario, ...run };
  const loadOpts = {
    url: target.url,
    headers: target.headers,
    body: target.body,
    connections: run.connections,
    check: target.check,
    ...(target.setupRequest ? { setupRequest: target.setupRequest } : {}),
  };
  const label = `${target.name} ${scenario} @${run.upstreamLatencyMs}ms c=${run.connections}`;
  try {
    process.stdout.write(`  ${label.padEnd(28)} `);
    await runLoad({ ...loadOpts, durationSec: WARMUP });
    // Requests still in flight when a load stops are answered afterwards: let them finish, so their
    // upstream calls are not counted in the next window.
    const settle = () => new Promise((r) => setTimeout(r, 100 + 3 * run.upstreamLatencyMs));
    await settle();
    const pids = target.pid ? processTree(target.pid) : [];
    const before = await upstream.stats();
    const cpu0 = cpuSeconds(pids);
    const stat0 = cpuTimes();
    const rss = sampleRss(pids, 250);
    const t0 = process.hrtime.bigint();
    const windowStart = Date.now();
    const duration = run.mode === 'latency' ? Math.max(2, Math.round(DURATION * 0.75)) : DURATION;
    const load = await runLoad({ ...loadOpts, durationSec: duration });
    record.window = { start: windowStart, end: Date.now() };
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(pids) - cpu0;
    const cpus = cpuBusyBetween(stat0, cpuTimes());
    const samples = rss.stop();
    await settle();
    const after = await upstream.stats();
    record.load = load;
    const store = storeFor(run.upstreamLatencyMs);
    const b = storeCalls(before, store);
    const a = storeCalls(after, store);
    const ops: Record<string, number> = {};
    let calls = 0;
    for (const [op, n] of Object.entries(a)) {
      const d = n - (b[op] ?? 0);
      if (d > 0) {
        ops[op] = Math.round((d / Math.max(1, load.sent)) * 1000) / 1000;
        calls += d;
      }
    }
    // Per request sent: the requests cut off at the end of the window made their calls too.
    record.upstreamCallsPerRequest = Math.round((calls / Math.max(1, load.sent)) * 1000) / 1000;
    record.upstreamOpsPerRequest = ops;
    if (pids.length > 0) {
      record.cpuMsPerRequest = Math.round(((cpu * 1000) / Math.max(1, load.requests)) * 1000) / 1000;
      record.coreUtilization = Math.round((cpu / elapsed) * 100) / 100;
      record.rssMb = {
        max: Math.round(Math.max(...samples.map((s) => s.rssMb)) * 10) / 10,
        end: Math.round((samples.at(-1)?.rssMb ?? 0) * 10) / 10,
        hwm: Math.round(memory(pids).hwmMb * 10) / 10,
      };
    }
    record.cpus = cpus;
    if (target.name !== 'B0' && cpus.cpu1 && record.coreUtilization !== undefined) {
      record.foreignLoadCore1 = Math.max(
        0,
        Math.round((cpus.cpu1.busy - record.coreUtilization) * 100) / 100,
      );
    }
    const l = load.latencyMs;
    console.log(
      `${String(load.rps).padStart(8)} req/s  p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  errors ${load.errors.total}` +
        (record.cpuMsPerRequest !== undefined ? `  cpu ${record.cpuMsPerRequest} ms/req` : '') +
        ((record.foreignLoadCore1 ?? 0) >= 0.1
          ? `  (other load on core 1: ${Math.round(record.foreignLoadCore1! * 100)}%)`
          : ''),
    );
    if (load.errors.total > 0 && load.errorSample)
      console.log(`    first error: ${load.errorSample.slice(0, 300)}`);
  } catch (error) {
    record.error = (error as Error).message;
    console.log(`failed: ${record.error.slice(0, 300)}`);
  }
  return record;
}

/** Closed-loop load right after a process under test started; nothing is recorded. */
async function warmTarget(target: Target, seconds = TARGET_WARMUP, connections = 16): Promise<void> {
  if (seconds <= 0) return;
  process.stdout.write(`  warming ${target.name} up for ${seconds}s... `);
  const r = await runLoad({
    url: target.url,
    headers: target.headers,
    body: target.body,
    connections,
    durationSec: seconds,
    check: target.check,
    ...(target.setupRequest ? { setupRequest: target.setupRequest } : {}),
  });
  console.log(`${r.rps} req/s, ${r.errors.total} errors`);
}

/** One request, checked, with the exact upstream calls it caused. */
async function precheck(target: Target, upstream: Upstream, expectedOps: string[], store: string) {
  await upstream.reset();
  const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
  const body = await res.text();
  // Let a late upstream call (none expected) arrive before counting.
  await new Promise((r) => setTimeout(r, 50));
  const stats = await upstream.stats();
  const ops = stats.recent.filter((k) => k.startsWith(`${store} `)).map((k) => k.split(' ')[1]!);
  const ok = res.ok && target.check(body);
  const opsOk = JSON.stringify(ops) === JSON.stringify(expectedOps);
  const bodies: Record<string, string> = {};
  for (const [k, r] of Object.entries(stats.routes))
    if (k.startsWith(`${store} `)) bodies[k.split(' ')[1]!] = (r as { lastBody?: string }).lastBody ?? '';
  const sizes = Object.fromEntries(
    Object.entries(stats.routes)
      .filter(([k]) => k.startsWith(`${store} `))
      .map(([k, r]) => [k.split(' ')[1], r.lastSize]),
  );
  return {
    ok,
    status: res.status,
    responseBytes: Buffer.byteLength(body),
    upstreamOps: ops,
    upstreamOpsOk: opsOk,
    upstreamResponseBytes: sizes,
    ...(ok ? {} : { body: body.slice(0, 600) }),
    /** Not written to the results: the exact upstream request bodies, by operation. */
    bodies,
  };
}

const strip = <T extends { bodies?: unknown }>({ bodies: _bodies, ...rest }: T) => rest;

function schemaFile(): string {
  if (!existsSync(SHOPIFY_SCHEMA_FILE))
    throw new Error(`Shopify Admin schema not found: ${SHOPIFY_SCHEMA_FILE}`);
  return SHOPIFY_SCHEMA_FILE;
}

const B2_S1_QUERY = `query S1($id: ID!) { product(id: $id) { id title variants(first: 50) { nodes { id price } } } }`;

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`bench: watchdog (${WATCHDOG_MS} ms) expired, stopping`);
    void stopAll().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  watchdog.unref();
  const started = Date.now();
  const machine = machineInfo();
  const pinned = pinSelf(0);
  if (!hasTaskset())
    console.warn('bench: taskset not found: processes are not pinned, figures are not per core');

  if (!process.env.BENCH_DATABASE_URL && !flag('pglite')) {
    const url = startBenchPostgres();
    if (url) process.env.BENCH_DATABASE_URL = url;
    else console.warn('bench: no PostgreSQL on this machine: the gateway runs on its embedded PGlite');
  }

  if (flag('soak')) {
    await runSoak({ root: ROOT });
    return;
  }

  console.log(
    `Switchboard bench — ${machine.nproc} cores, ${machine.cpuModel}, node ${machine.node}; windows: warm-up ${WARMUP}s, measured ${DURATION}s`,
  );
  // Other work on the machine skews every figure: look before starting.
  const idle0 = cpuTimes();
  await new Promise((r) => setTimeout(r, 1000));
  const busyBefore = cpuBusyBetween(idle0, cpuTimes());
  const busiest = Math.max(0, ...Object.values(busyBefore).map((c) => c.busy));
  if (busiest > 0.2) {
    console.warn(
      `bench: the machine is already busy before the bench starts (${JSON.stringify(busyBefore)}); figures will be pessimistic`,
    );
  }
  const runs: RunRecord[] = [];
  const prechecks: Record<string, unknown> = {};
  const notes: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));

  try {
    console.log('starting upstream (core 0)...');
    const upstream = await startUpstream();
    const nodesBody = S1_UPSTREAM_BODY;
    const s1Scenario = scenarios.find((s) => s.name === 'S1')!;
    const s1Check = graphqlCheck(s1Scenario.check);
    const nodesCheck = graphqlCheck(s1UpstreamCheck);
    const baselineRuns = s1Scenario.runs.filter((r) => r.upstreamLatencyMs === 0);

    // ---- B0: the upstream called directly (the floor) ---------------------------------------------
    if (ONLY.includes('B0')) {
      console.log('B0: the upstream directly');
      for (const run of s1Scenario.runs) {
        const target: Target = {
          name: 'B0',
          url: graphqlUrl(upstream, run.upstreamLatencyMs),
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': SHOPIFY_TOKEN },
          body: nodesBody,
          check: nodesCheck,
          pid: upstream.child.pid,
        };
        if (!prechecks.B0)
          prechecks.B0 = strip(
            await precheck(target, upstream, [S1_UPSTREAM_OP], storeFor(run.upstreamLatencyMs)),
          );
        runs.push(await measure(target, 'S1', run, upstream));
      }
    }

    // ---- B1: minimal hand-written Node proxy ------------------------------------------------------
    if (ONLY.includes('B1')) {
      console.log('B1: minimal node:http proxy (core 1)');
      const port = await freePort();
      const b1 = spawnChild({
        name: 'B1',
        command: process.execPath,
        args: ['--import', 'tsx', 'bench/baselines/b1-proxy.ts'],
        cpu: '1',
        cwd: ROOT,
        env: {
          PORT: String(port),
          UPSTREAM_URL_TEMPLATE: `${upstream.url}/{store}/admin/api/${API_VERSION}/graphql.json`,
          SHOPIFY_TOKEN,
          NODE_ENV: 'production',
        },
      });
      try {
        await b1.waitFor(/B1_READY/, 30_000);
        const b1Target = (latency: number): Target => ({
          name: 'B1',
          url: `http://127.0.0.1:${port}/${storeFor(latency)}/graphql`,
          headers: { 'content-type': 'application/json', authorization: 'Bearer b1' },
          body: JSON.stringify({ query: s1Scenario.query, variables: s1Scenario.variables }),
          check: s1Check,
          pid: b1.pid,
        });
        const target = b1Target(0);
        prechecks.B1 = strip(await precheck(target, upstream, [S1_UPSTREAM_OP], storeFor(0)));
        await warmTarget(target, Math.ceil(TARGET_WARMUP / 2));
        for (const run of baselineRuns) runs.push(await measure(target, 'S1', run, upstream));
        // At 20 ms too: the added latency of a proxy that does almost nothing shows what the machine
        // itself adds when cores sleep between requests (a control for the gateway's figure).
        for (const run of s1Scenario.runs.filter((r) => r.upstreamLatencyMs > 0)) {
          runs.push(await measure(b1Target(run.upstreamLatencyMs), 'S1', run, upstream));
        }
      } catch (error) {
        runs.push({
          target: 'B1',
          scenario: 'S1',
          upstreamLatencyMs: 0,
          mode: 'throughput',
          connections: 0,
          error: (error as Error).message,
        });
        console.log(`  B1 failed: ${(error as Error).message.slice(0, 500)}`);
      } finally {
        await b1.stop();
      }
    }

    // ---- B2: Hive Gateway proxying the upstream's GraphQL endpoint -----------------------------
    if (ONLY.includes('B2')) {
      console.log('B2: Hive Gateway proxy (core 1)');
      const port = await freePort();
      const b2 = spawnChild({
        name: 'B2',
        command: process.execPath,
        args: [
          join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
          'proxy',
          '--schema',
          schemaFile(),
          '-c',
          join(ROOT, 'bench/baselines/b2-hive.config.mjs'),
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--fork',
          '1',
        ],
        cpu: '1',
        cwd: ROOT,
        env: {
          B2_UPSTREAM_URL: graphqlUrl(upstream, 0),
          B2_SHOPIFY_TOKEN: SHOPIFY_TOKEN,
          NODE_ENV: 'production',
        },
      });
      try {
        await waitForHttp(`http://127.0.0.1:${port}/readiness`, 90_000, b2);
        const base = {
          url: `http://127.0.0.1:${port}/graphql`,
          headers: { 'content-type': 'application/json' },
          pid: b2.pid,
        };
        // B2: the same client need (S1's data) written against Shopify's schema.
        const same: Target = {
          ...base,
          name: 'B2',
          body: JSON.stringify({ query: B2_S1_QUERY, variables: { id: S1_PRODUCT_ID } }),
          check: graphqlCheck(
            (d) => d?.product?.id === S1_PRODUCT_ID && d.product.variants?.nodes?.length === S1_VARIANTS,
          ),
        };
        // B2n: the gateway's own upstream document passed through (same upstream call and answer as the gateway).
        const passthrough: Target = { ...base, name: 'B2n', body: nodesBody, check: nodesCheck };
        prechecks.B2 = strip(await precheck(same, upstream, ['S1'], storeFor(0)));
        prechecks.B2n = strip(await precheck(passthrough, upstream, [S1_UPSTREAM_OP], storeFor(0)));
        await warmTarget(same);
        for (const run of baselineRuns) runs.push(await measure(same, 'S1', run, upstream));
        runs.push(await measure(passthrough, 'S1', baselineRuns[0]!, upstream));
      } catch (error) {
        runs.push({
          target: 'B2',
          scenario: 'S1',
          upstreamLatencyMs: 0,
          mode: 'throughput',
          connections: 0,
          error: (error as Error).message,
        });
        console.log(`  B2 failed: ${(error as Error).message.slice(0, 800)}`);
      } finally {
        await b2.stop();
      }
    }

    // ---- S3's audit write, isolated (core 1, before the gateway starts) ------------------------
    let audit: unknown;
    if (ONLY.includes('GW') && selected('S3')) {
      console.log('audit write micro-benchmark (core 1): AuditRepo.append on the gateway engine');
      const micro = spawnChild({
        name: 'audit',
        command: process.execPath,
        args: ['--import', 'tsx', 'bench/audit-append.ts'],
        cpu: '1',
        cwd: ROOT,
        env: { DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '', BENCH_AUDIT_N: QUICK ? '500' : '2000' },
      });
      try {
        const m = await micro.waitFor(/AUDIT_RESULT (.*)$/, 120_000);
        audit = JSON.parse(m[1]!);
        const a = audit as {
          appendSequential: { latencyMs: { mean: number; p50: number; p99: number }; cpuMsPerOp: number };
        };
        console.log(
          `  append: mean ${a.appendSequential.latencyMs.mean} ms, p50 ${a.appendSequential.latencyMs.p50} ms, p99 ${a.appendSequential.latencyMs.p99} ms, cpu ${a.appendSequential.cpuMsPerOp} ms`,
        );
      } catch (error) {
        audit = { error: (error as Error).message };
        console.log(`  failed: ${(error as Error).message.slice(0, 500)}`);
      } finally {
        await micro.stop();
      }
    }

    // ---- GW: the gateway ------------------------------------------------------------------------
    let gatewayInfo: Record<string, unknown> = {};
    if (ONLY.includes('GW')) {
      console.log('GW: Switchboard (core 1)');
      let gw: Child | undefined;
      let graceMs = 5_000;
      try {
        const gateway = await startGateway(upstream, dataDir, [0, 20]);
        gw = gateway.child;
        if (gateway.nodeArgs.length > 0) graceMs = 20_000;
        const { url: gwUrl, tokens } = gateway;
        gatewayInfo = {
          startMs: gateway.startMs,
          rssAfterStartMb: gateway.rssAfterStartMb,
          memoryAfterStart: await memoryBreakdown(gwUrl),
        };
        for (const scenario of scenarios.filter((s) => selected(s.name))) {
          await runGatewayScenario(scenario, gwUrl, gw, tokens, upstream, runs, prechecks);
        }
        if (selected(W1_NAME)) {
          await runWebhookScenario(
            gwUrl,
            gw,
            { admin: tokens[0]!, platform: gateway.platformToken },
            upstream,
            runs,
            prechecks,
          );
        }
        if (selected(W2_NAME)) {
          prechecks[W2_NAME] = await runSubscriptionScenario(gwUrl, { a: tokens[0]!, b: tokens[20]! });
        }
        // The audit row of one S3 request, read back through the API.
        if (selected('S3')) {
          prechecks.S3_audit_row = await checkAuditRow(
            gwUrl,
            tokens[0]!,
            scenarios.find((s) => s.name === 'S3'),
          );
        }
        const mem = memory([gw.pid]);
        gatewayInfo = {
          ...gatewayInfo,
          rssEndMb: Math.round(mem.rssMb),
          hwmMb: Math.round(mem.hwmMb),
          memoryAtEnd: await memoryBreakdown(gwUrl),
        };
        gatewayInfo.metricsSample = await metricsSample(gwUrl);
      } catch (error) {
        runs.push({
          target: 'GW',
          scenario: '-',
          upstreamLatencyMs: 0,
          mode: 'throughput',
          connections: 0,
          error: (error as Error).message,
        });
        console.log(`  gateway failed: ${(error as Error).message.slice(0, 1500)}`);
      } finally {
        await gw?.stop(graceMs);
      }
    }

    const upstreamStats = await upstream.stats();
    if (upstreamStats.invalidQueries.length > 0) {
      notes.push(
        `The Shopify simulator refused ${upstreamStats.invalidQueries.length} distinct upstream request(s): ${JSON.stringify(upstreamStats.invalidQueries.slice(0, 3))}`,
      );
    }
    await upstream.child.stop();

    const targets = evaluateTargets(runs, prechecks, audit);
    const result = {
      date: new Date().toISOString(),
      durationSec: Math.round((Date.now() - started) / 1000),
      machine: { ...machine, pinned: pinned && hasTaskset(), busyBeforeStart: busyBefore },
      git: gitInfo(),
      config: {
        warmupSec: WARMUP,
        measuredSec: DURATION,
        latencyRunSec: Math.max(2, Math.round(DURATION * 0.75)),
        quick: QUICK,
        database: process.env.BENCH_DATABASE_URL
          ? 'postgresql (its own processes, core 0)'
          : 'pglite (in the gateway process, core 1)',
        layout: 'process under test alone on core 1 (taskset -c 1); autocannon + upstream on core 0',
      },
      gateway: gatewayInfo,
      prechecks,
      audit,
      runs,
      targets,
      notes,
    };
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = result.date.replace(/[:.]/g, '-');
    // Only a full run (all targets and scenarios, normal windows) becomes "latest".
    const partial = QUICK || SCENARIOS !== undefined || TARGETS.some((t) => !ONLY.includes(t));
    const written = [partial ? `partial-${stamp}.json` : `${stamp}.json`];
    writeFileSync(join(dir, written[0]!), `${JSON.stringify(result, null, 2)}\n`);
    if (!partial) {
      writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
      writeFileSync(join(dir, 'latest.md'), renderMarkdown(result));
      written.push('latest.json', 'latest.md');
    }
    printReport(result);
    console.log(`\nwritten: bench/results/${written.join(', ')} (${result.durationSec}s)`);
  } finally {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let gatewayWarmed = false;

async function runGatewayScenario(
  scenario: Scenario,
  gwUrl: string,
  gw: Child,
  tokens: Record<number, string>,
  upstream: Upstream,
  runs: RunRecord[],
  prechecks: Record<string, unknown>,
) {
  const latencies = [...new Set(scenario.runs.map((r) => r.upstreamLatencyMs))];
  for (const latency of latencies) {
    const token = tokens[latency];
    if (!token) continue;
    const variables = {
      ...scenario.variables,
      ...(scenario.query.includes('$store') ? { store: storeFor(latency) } : {}),
    };
    const target: Target = {
      name: 'GW',
      url: `${gwUrl}/graphql`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: scenario.query, variables }),
      check: graphqlCheck(scenario.check),
      pid: gw.pid,
    };
    const { bodies, ...pre } = await precheck(target, upstream, scenario.upstream, storeFor(latency));
    prechecks[`${scenario.name}@${latency}ms`] = pre;
    if (scenario.name === 'S1' && bodies[S1_UPSTREAM_OP] !== undefined) {
      const same = bodies[S1_UPSTREAM_OP] === S1_UPSTREAM_BODY;
      (pre as Record<string, unknown>).sameUpstreamRequestAsB0B1 = same;
      if (!same) {
        console.log(
          `  note: the gateway's S1 upstream request differs from the one B0/B1 send (bench/scenarios.ts S1_UPSTREAM_BODY):\n    ${bodies[S1_UPSTREAM_OP]!.slice(0, 300)}`,
        );
      }
    }
    if (!pre.ok) {
      console.log(
        `  GW ${scenario.name} @${latency}ms: the single-request check failed (HTTP ${pre.status}): ${pre.body}`,
      );
    }
    if (!pre.upstreamOpsOk) {
      console.log(
        `  GW ${scenario.name} @${latency}ms: upstream calls ${JSON.stringify(pre.upstreamOps)}, expected ${JSON.stringify(scenario.upstream)}`,
      );
    }
    if (pre.ok && latency === 0 && !gatewayWarmed) {
      gatewayWarmed = true;
      await warmTarget(target);
    }
    for (const run of scenario.runs.filter((r) => r.upstreamLatencyMs === latency)) {
      if (!pre.ok) {
        runs.push({
          target: 'GW',
          scenario: scenario.name,
          ...run,
          error: `single-request check failed: HTTP ${pre.status} ${pre.body ?? ''}`,
        });
        continue;
      }
      runs.push(await measure(target, scenario.name, run, upstream));
    }
  }
}

/**
 * W1 (webhook-scenario.ts): signed Shopify deliveries to the store of the 0 ms organization, each
 * with its own webhook id. One delivery is checked first (200, stored, processed); every run starts
 * with the queue empty, and after each run the bench reads what became of the window's events.
 */
async function runWebhookScenario(
  gwUrl: string,
  gw: Child,
  tokens: { admin: string; platform: string },
  upstream: Upstream,
  runs: RunRecord[],
  prechecks: Record<string, unknown>,
) {
  const deliveries = w1Deliveries(storeFor(0), SHOPIFY_WEBHOOK_SECRET);
  const target: Target = {
    name: 'GW',
    url: `${gwUrl}${W1_PATH}`,
    headers: { 'content-type': 'application/json' },
    body: '',
    check: w1Check,
    pid: gw.pid,
    setupRequest: deliveries.setupRequest,
  };
  const since = Date.now() - 1000;
  const one = deliveries.one();
  const res = await fetch(target.url, { method: 'POST', headers: one.headers, body: one.body });
  const answer = await res.text();
  await w1Drain(gwUrl, tokens, since, 10_000);
  const stored = await eventsSince(gwUrl, tokens, since);
  const processed = stored.length === 1 && stored[0]!.state === 'DONE';
  const precheck = {
    ok: res.status === 200 && w1Check(answer) && processed,
    status: res.status,
    answer: answer.slice(0, 300),
    processed,
    bodyBytes: deliveries.bodyBytes,
  };
  prechecks[`${W1_NAME}@0ms`] = precheck;
  console.log(
    `  W1 webhook deliveries (orders/updated, ${precheck.bodyBytes.min}–${precheck.bodyBytes.max} bytes, signed): single delivery HTTP ${res.status}, processed: ${processed ? 'yes' : 'NO'}`,
  );
  if (!precheck.ok) {
    for (const run of w1Runs)
      runs.push({
        target: 'GW',
        scenario: W1_NAME,
        ...run,
        error: `single-delivery check failed: ${JSON.stringify(precheck)}`,
      });
    return;
  }
  if (!gatewayWarmed) {
    gatewayWarmed = true;
    const warmFrom = Date.now();
    await warmTarget(target, TARGET_WARMUP, 4);
    await w1Drain(gwUrl, tokens, warmFrom);
  }
  for (const run of w1Runs) {
    const record = await measure(target, W1_NAME, run, upstream);
    if (record.window) {
      try {
        record.webhooks = await w1Processing(gwUrl, tokens, record.window);
        const w = record.webhooks;
        const other = Object.entries(w.otherStates);
        console.log(
          `    stored ${w.storedInWindow} (acknowledged ${record.load?.requests ?? 0}), processed by the window's end ${w.doneAtWindowEnd}, backlog ${w.backlogAtWindowEnd}` +
            `; all processed ${w.drainSec !== undefined ? `${w.drainSec} s later` : 'NOT within 60 s'}` +
            (w.lagMs ? `; receipt→processed p50 ${w.lagMs.p50} ms, p99 ${w.lagMs.p99} ms` : '') +
            (other.length > 0 ? `; other states: ${JSON.stringify(w.otherStates)}` : ''),
        );
      } catch (error) {
        record.error = `reading the stored events failed: ${(error as Error).message}`;
        console.log(`    ${record.error.slice(0, 300)}`);
      }
    }
    runs.push(record);
    // The next window starts with the queue empty.
    await w1Drain(gwUrl, tokens, record.window?.start ?? Date.now());
  }
}

/**
 * W2 (subscription-scenario.ts): organization A (the 0 ms one) and B (the 20 ms one) each connect a
 * Messenger Page and subscribe; signed deliveries for A's Page, one at a time.
 */
async function runSubscriptionScenario(gwUrl: string, tokens: { a: string; b: string }) {
  try {
    for (const [token, pageId] of [
      [tokens.a, pageFor('A')],
      [tokens.b, pageFor('B')],
    ] as const) {
      const res = await fetch(`${gwUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation($pageId: String!) { connectIntegration(input: { messenger: { pageId: $pageId } }) { integration { __typename } } }`,
          variables: { pageId },
        }),
      });
      const text = await res.text();
      if (!text.includes('"MessengerIntegration"'))
        throw new Error(`set-up (connect Page ${pageId}) failed: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    const count = Number(process.env.W2_DELIVERIES ?? (QUICK ? 100 : 300));
    console.log(`  W2 Messenger delivery → subscription: ${count} signed deliveries, one at a time`);
    const result = await runW2(gwUrl, tokens, { count, warmup: QUICK ? 20 : 50 });
    const pass = w2Pass(result);
    console.log(
      `    POST 200 → event: p50 ${result.afterAckMs.p50} ms, p99 ${result.afterAckMs.p99} ms, max ${result.afterAckMs.max} ms` +
        `; missed ${result.missed}; other organization received ${result.otherOrgEvents} → ${pass ? 'PASS' : 'FAIL'}`,
    );
    return { ok: pass, ...result };
  } catch (error) {
    console.log(`    W2 failed: ${(error as Error).message.slice(0, 500)}`);
    return { ok: false, error: (error as Error).message };
  }
}

async function checkAuditRow(gwUrl: string, token: string, s3: Scenario | undefined) {
  if (!s3) return undefined;
  const requestId = `bench-${randomUUID()}`;
  const post = (body: unknown, extra: Record<string, string> = {}) =>
    fetch(`${gwUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);
  await post({ query: s3.query }, { 'x-request-id': requestId });
  const log = await post({
    query: `{ organization { auditLog(first: 1) { edges { node { action outcome requestId } } } } }`,
  });
  const node = log?.data?.organization?.auditLog?.edges?.[0]?.node;
  return { ok: node?.requestId === requestId && node?.outcome === 'OK', newest: node ?? log };
}

/** The gateway's own view of its memory (prom-client default metrics), in MB. */
async function memoryBreakdown(gwUrl: string) {
  try {
    const text = await (await fetch(`${gwUrl}/metrics`)).text();
    const pick = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text);
      return m ? Math.round(Number(m[1]) / 1048576) : undefined;
    };
    return {
      rss: pick('process_resident_memory_bytes'),
      heapTotal: pick('nodejs_heap_size_total_bytes'),
      heapUsed: pick('nodejs_heap_size_used_bytes'),
      external: pick('nodejs_external_memory_bytes'),
    };
  } catch {
    return undefined;
  }
}

async function metricsSample(gwUrl: string) {
  try {
    const text = await (await fetch(`${gwUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => /^switchboard_(graphql_requests_total|upstream_requests_total)\{/.test(l))
      .slice(0, 20);
  } catch {
    return undefined;
  }
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT }).toString().trim() !== '';
    return { commit, srcDirty: dirty };
  } catch {
    return undefined;
  }
}

main().catch(async (error: unknown) => {
  console.error('bench failed:', error);
  await stopAll();
  process.exit(1);
});
