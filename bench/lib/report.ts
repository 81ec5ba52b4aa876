/**
 * Derived figures (added latency over B0, ratios to B1/B2), the issue's targets with pass/fail, and
 * the printed table.
 */
import type { RunRecord, TargetName } from '../run';

export interface TargetResult {
  id: string;
  target: string;
  /** null: not measured in this run (a target process failed, or --only). */
  pass: boolean | null;
  value: string;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function find(
  runs: RunRecord[],
  target: TargetName,
  scenario: string,
  latency: number,
  mode: string,
  connections?: number,
) {
  return runs.find(
    (r) =>
      r.target === target &&
      r.scenario === scenario &&
      r.upstreamLatencyMs === latency &&
      r.mode === mode &&
      (connections === undefined || r.connections === connections) &&
      r.load !== undefined,
  );
}

/** The B0 run a run is compared with: same upstream latency and connections. S2 compares with twice B0. */
export function floorFor(
  runs: RunRecord[],
  run: RunRecord,
): { p50: number; p99: number; factor: number } | undefined {
  if (run.target === 'B0') return undefined;
  const factor = run.scenario === 'S2' ? 2 : run.scenario === 'S1' ? 1 : 0;
  if (factor === 0) return undefined;
  const b0 = find(runs, 'B0', 'S1', run.upstreamLatencyMs, run.mode, run.connections);
  if (!b0?.load) return undefined;
  return { p50: b0.load.latencyMs.p50 * factor, p99: b0.load.latencyMs.p99 * factor, factor };
}

export function addedLatency(runs: RunRecord[], run: RunRecord) {
  const floor = floorFor(runs, run);
  if (!floor || !run.load) return undefined;
  return { p50: round(run.load.latencyMs.p50 - floor.p50), p99: round(run.load.latencyMs.p99 - floor.p99) };
}

export function evaluateTargets(
  runs: RunRecord[],
  prechecks: Record<string, any>,
  audit: any,
): TargetResult[] {
  const out: TargetResult[] = [];
  const gwS1 = find(runs, 'GW', 'S1', 0, 'throughput');
  const b1 = find(runs, 'B1', 'S1', 0, 'throughput');
  const b2 = find(runs, 'B2', 'S1', 0, 'throughput');
  const b2n = find(runs, 'B2n', 'S1', 0, 'throughput');
  const ok = (r: RunRecord | undefined) => r?.load !== undefined && r.load.errors.total === 0;

  out.push({
    id: 'S1-throughput',
    target: 'S1 ≥ 1,500 req/s per gateway core (0 ms upstream)',
    pass: gwS1 ? ok(gwS1) && gwS1.load!.rps >= 1500 : null,
    value: gwS1
      ? `${gwS1.load!.rps} req/s, ${gwS1.cpuMsPerRequest} ms CPU per request (${gwS1.cpuMsPerRequest ? Math.round(1000 / gwS1.cpuMsPerRequest) : '?'} req/s per fully used core)` +
        `${ok(gwS1) ? '' : ` with ${gwS1.load!.errors.total} errors`}` +
        ((gwS1.foreignLoadCore1 ?? 0) >= 0.1
          ? `; other processes used ${Math.round(gwS1.foreignLoadCore1! * 100)}% of core 1 meanwhile`
          : '')
      : 'not measured',
  });

  // "At half of the maximum rate": of the closed-loop runs with 1 and 2 connections, the one whose
  // rate is nearest half the maximum measured rate.
  const lowRuns = runs.filter(
    (r) =>
      r.target === 'GW' && r.scenario === 'S1' && r.upstreamLatencyMs === 0 && r.mode === 'latency' && r.load,
  );
  if (gwS1 && lowRuns.length > 0) {
    const half = gwS1.load!.rps / 2;
    const chosen = [...lowRuns].sort(
      (a, b) => Math.abs(a.load!.rps - half) - Math.abs(b.load!.rps - half),
    )[0]!;
    const added = addedLatency(runs, chosen);
    out.push({
      id: 'S1-added-latency',
      target: 'S1 added latency at ~half the max rate: p50 ≤ 1.5 ms, p99 ≤ 8 ms',
      pass: added ? ok(chosen) && added.p50 <= 1.5 && added.p99 <= 8 : null,
      value: added
        ? `+${added.p50} ms p50, +${added.p99} ms p99 (c=${chosen.connections}, ${chosen.load!.rps} req/s = ${round(chosen.load!.rps / gwS1.load!.rps)} of max, gateway core ${round((chosen.coreUtilization ?? 0) * 100, 0)}% busy)`
        : 'no B0 run to compare with',
    });
  } else {
    out.push({
      id: 'S1-added-latency',
      target: 'S1 added latency at ~half the max rate: p50 ≤ 1.5 ms, p99 ≤ 8 ms',
      pass: null,
      value: 'not measured',
    });
  }

  out.push({
    id: 'S1-vs-B1',
    target: 'S1 throughput ≥ 0.5 × B1 (hand-written Node proxy)',
    pass: gwS1 && b1 ? ok(gwS1) && gwS1.load!.rps >= 0.5 * b1.load!.rps : null,
    value:
      gwS1 && b1
        ? `${round(gwS1.load!.rps / b1.load!.rps)} × B1 (${gwS1.load!.rps} vs ${b1.load!.rps} req/s)`
        : 'not measured',
  });
  out.push({
    id: 'S1-vs-B2',
    target: 'S1 throughput ≥ B2 (Hive Gateway; both the same-need query and the pass-through)',
    pass:
      gwS1 && b2
        ? ok(gwS1) && gwS1.load!.rps >= b2.load!.rps && (!b2n || gwS1.load!.rps >= b2n.load!.rps)
        : null,
    value:
      gwS1 && b2
        ? `${round(gwS1.load!.rps / b2.load!.rps)} × B2 (${b2.load!.rps} req/s)` +
          (b2n ? `, ${round(gwS1.load!.rps / b2n.load!.rps)} × B2n (${b2n.load!.rps} req/s)` : '')
        : 'not measured',
  });

  const s2Pre = [prechecks['S2@0ms'], prechecks['S2@20ms']].filter(Boolean);
  const s2Runs = runs.filter((r) => r.target === 'GW' && r.scenario === 'S2' && r.load);
  const s2CallsOk =
    s2Runs.length > 0 &&
    s2Runs.every(
      (r) =>
        Math.abs((r.upstreamCallsPerRequest ?? 0) - 2) < 0.01 &&
        (r.upstreamOpsPerRequest?.Orders ?? 0) > 0.99,
    );
  out.push({
    id: 'S2-upstream-calls',
    target: 'S2 makes exactly 2 upstream calls (orders, then one nodes batch)',
    pass: s2Pre.length === 0 ? null : s2Pre.every((p: any) => p.ok && p.upstreamOpsOk) && s2CallsOk,
    value:
      s2Pre.length === 0
        ? 'not measured'
        : `single request: ${s2Pre.map((p: any) => JSON.stringify(p.upstreamOps) + (p.ok ? '' : ' (answer wrong)')).join(', ')}; under load: ${s2Runs.map((r) => r.upstreamCallsPerRequest).join(', ')} per request`,
  });

  const s2Lat = find(runs, 'GW', 'S2', 20, 'latency');
  const s2Floor = s2Lat ? floorFor(runs, s2Lat) : undefined;
  out.push({
    id: 'S2-added-latency',
    target: 'S2 at 20 ms upstream adds ≤ 3 ms (p50) over twice the upstream latency',
    pass: s2Lat && s2Floor ? ok(s2Lat) && s2Lat.load!.latencyMs.p50 - s2Floor.p50 <= 3 : null,
    value:
      s2Lat && s2Floor
        ? `p50 ${s2Lat.load!.latencyMs.p50} ms = +${round(s2Lat.load!.latencyMs.p50 - s2Floor.p50)} ms over 2 × B0 (${round(s2Floor.p50)} ms), +${round(s2Lat.load!.latencyMs.p50 - 40)} ms over 2 × 20 ms; p99 +${round(s2Lat.load!.latencyMs.p99 - s2Floor.p99)} ms${ok(s2Lat) ? '' : `; ${s2Lat.load!.errors.total} errors`}`
        : s2Lat
          ? 'no B0 run at 20 ms to compare with'
          : 'not measured',
  });

  const seq = audit?.appendSequential;
  out.push({
    id: 'S3-audit-write',
    target: "S3's audit write ≤ 1 ms",
    pass: seq ? seq.latencyMs.mean <= 1 && prechecks.S3_audit_row?.ok !== false : null,
    value: seq
      ? `AuditRepo.append on ${audit.engine}: mean ${seq.latencyMs.mean} ms, p50 ${seq.latencyMs.p50} ms, p99 ${seq.latencyMs.p99} ms, CPU ${seq.cpuMsPerOp} ms` +
        (prechecks.S3_audit_row ? `; row written by S3: ${prechecks.S3_audit_row.ok ? 'yes' : 'NO'}` : '')
      : `not measured${audit?.error ? `: ${String(audit.error).slice(0, 200)}` : ''}`,
  });

  const w1 = runs.filter((r) => r.target === 'GW' && r.scenario === 'W1');
  const w1Measured = w1.filter((r) => r.load);
  out.push({
    id: 'W1-ack',
    target: 'W1 webhook acknowledged (2xx) within 100 ms at p99 (signed Shopify deliveries, closed loop)',
    pass:
      w1.length === 0
        ? null
        : w1Measured.length === w1.length && w1Measured.every((r) => ok(r) && r.load!.latencyMs.p99 <= 100),
    value:
      w1.length === 0
        ? 'not measured'
        : w1
            .map((r) =>
              r.load
                ? `c=${r.connections}: p50 ${r.load.latencyMs.p50} ms, p99 ${r.load.latencyMs.p99} ms, ${r.load.rps} deliveries/s` +
                  (ok(r) ? '' : `, ${r.load.errors.total} errors`)
                : `c=${r.connections}: failed`,
            )
            .join('; '),
  });
  const storedOk = (r: RunRecord) => {
    const w = r.webhooks;
    return (
      w !== undefined &&
      Math.abs(w.storedInWindow - r.load!.requests) <= 2 * r.connections &&
      w.drainSec !== undefined &&
      Object.keys(w.otherStates).length === 0
    );
  };
  out.push({
    id: 'W1-processed',
    target: 'W1 every acknowledged delivery stored once and processed by the job worker during the load',
    pass: w1.length === 0 ? null : w1Measured.length === w1.length && w1Measured.every(storedOk),
    value:
      w1.length === 0
        ? 'not measured'
        : w1
            .map((r) => {
              const w = r.webhooks;
              if (!r.load || !w) return `c=${r.connections}: ${r.error ?? 'not read'}`;
              return (
                `c=${r.connections}: ${w.storedInWindow} stored / ${r.load.requests} acknowledged, ${w.doneAtWindowEnd} processed by the window's end (backlog ${w.backlogAtWindowEnd}, gone ${w.drainSec ?? '> 60'} s later)` +
                (w.lagMs ? `, receipt→processed p50 ${w.lagMs.p50} ms p99 ${w.lagMs.p99} ms` : '') +
                (Object.keys(w.otherStates).length > 0
                  ? `, other states ${JSON.stringify(w.otherStates)}`
                  : '')
              );
            })
            .join('; '),
  });

  const w2 = prechecks.W2;
  out.push({
    id: 'W2-subscription',
    target:
      "W2 signed Messenger webhook delivered to its organization's subscription within 100 ms at p99 (POST's 200 → graphql-ws event), and to no other",
    pass: w2 === undefined ? null : w2.error === undefined && w2.ok === true,
    value:
      w2 === undefined
        ? 'not measured'
        : w2.error !== undefined
          ? `failed: ${String(w2.error).slice(0, 200)}`
          : `${w2.deliveries} deliveries one at a time: p50 ${w2.afterAckMs.p50} ms, p90 ${w2.afterAckMs.p90} ms, p99 ${w2.afterAckMs.p99} ms, max ${w2.afterAckMs.max} ms` +
            ` (POST sent → event p50 ${w2.endToEndMs.p50} ms, p99 ${w2.endToEndMs.p99} ms; ${w2.beforeAck} arrived before the 200 was read)` +
            `; missed ${w2.missed}, non-200 ${w2.non200}; other organization's subscriber received ${w2.otherOrgEvents}` +
            (w2.subscriptionErrors.length > 0 ? `; subscription errors ${w2.subscriptionErrors.length}` : ''),
  });

  const gwRuns = runs.filter((r) => r.target === 'GW' && r.rssMb);
  const peak = gwRuns.length ? Math.max(...gwRuns.map((r) => r.rssMb!.max)) : undefined;
  const hwm = gwRuns.length ? Math.max(...gwRuns.map((r) => r.rssMb!.hwm)) : undefined;
  out.push({
    id: 'RSS',
    target: 'Gateway RSS under load ≤ 250 MB',
    pass: peak === undefined ? null : peak <= 250 && (hwm ?? 0) <= 250,
    value: peak === undefined ? 'not measured' : `max sampled VmRSS ${peak} MB, VmHWM ${hwm} MB`,
  });

  const failedRuns = runs.filter((r) => r.error || (r.load && r.load.errors.total > 0));
  out.push({
    id: 'errors',
    target: 'No errors in any run (status and body checked)',
    pass: runs.length === 0 ? null : failedRuns.length === 0,
    value:
      failedRuns.length === 0
        ? `0 errors in ${runs.reduce((n, r) => n + (r.load?.requests ?? 0), 0)} requests`
        : failedRuns
            .map(
              (r) =>
                `${r.target} ${r.scenario}@${r.upstreamLatencyMs}ms c=${r.connections}: ${r.error ? 'failed' : `${r.load!.errors.total} errors`}`,
            )
            .join('; '),
  });
  return out;
}

export function printReport(result: {
  runs: RunRecord[];
  targets: TargetResult[];
  audit?: any;
  machine: any;
  date: string;
}) {
  const { runs } = result;
  const b1 = find(runs, 'B1', 'S1', 0, 'throughput');
  const b2 = find(runs, 'B2', 'S1', 0, 'throughput');
  const header = [
    'run',
    'up',
    'c',
    'req/s',
    'p50 ms',
    'p99 ms',
    '+p50',
    '+p99',
    'up/req',
    'cpu ms/req',
    'core',
    'other',
    'RSS MB',
    'err',
    '×B1',
    '×B2',
  ];
  const rows: string[][] = [header];
  for (const r of runs) {
    if (!r.load) {
      rows.push([
        `${r.target} ${r.scenario}`,
        `${r.upstreamLatencyMs}`,
        `${r.connections}`,
        'FAILED',
        ...Array<string>(12).fill(''),
      ]);
      continue;
    }
    const added = addedLatency(runs, r);
    const l = r.load.latencyMs;
    const thr = r.mode === 'throughput' && r.scenario === 'S1';
    rows.push([
      `${r.target} ${r.scenario}`,
      `${r.upstreamLatencyMs}`,
      `${r.connections}`,
      `${Math.round(r.load.rps)}`,
      l.p50.toFixed(2),
      l.p99.toFixed(2),
      added ? added.p50.toFixed(2) : '',
      added ? added.p99.toFixed(2) : '',
      r.upstreamCallsPerRequest !== undefined ? String(r.upstreamCallsPerRequest) : '',
      r.cpuMsPerRequest !== undefined ? r.cpuMsPerRequest.toFixed(3) : '',
      // B0's process is the upstream, on core 0 with the load tool: its CPU is shown, not as "the core".
      r.coreUtilization !== undefined && r.target !== 'B0' ? `${Math.round(r.coreUtilization * 100)}%` : '',
      r.foreignLoadCore1 !== undefined ? `${Math.round(r.foreignLoadCore1 * 100)}%` : '',
      r.rssMb && r.target !== 'B0' ? `${Math.round(r.rssMb.max)}` : '',
      `${r.load.errors.total}`,
      thr && b1 ? round(r.load.rps / b1.load!.rps).toFixed(2) : '',
      thr && b2 ? round(r.load.rps / b2.load!.rps).toFixed(2) : '',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  console.log('');
  console.log(
    `Results (${result.date}; ${result.machine.nproc} cores, ${result.machine.cpuModel}, node ${result.machine.node})`,
  );
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(
    '\nup = upstream latency (ms); c = closed-loop connections; +p50/+p99 = added over B0 at the same latency and c (S2: over 2 × B0);' +
      '\nup/req = upstream calls per request; cpu = CPU of the process under test per request; core = its share of core 1;' +
      '\nother = core 1 time used by other processes on the machine during the window (> 10% makes the row pessimistic).',
  );
  console.log('\nTargets');
  for (const t of result.targets) {
    const mark = t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL';
    console.log(`  [${mark}] ${t.target}\n         ${t.value}`);
  }
}

/** The results as a Markdown section (bench/results/latest.md), for docs/benchmark.md and the README. */
export function renderMarkdown(result: {
  runs: RunRecord[];
  targets: TargetResult[];
  machine: any;
  date: string;
  git?: { commit: string; srcDirty: boolean } | undefined;
  config: any;
  gateway?: any;
}): string {
  const { runs } = result;
  const b1 = find(runs, 'B1', 'S1', 0, 'throughput');
  const b2 = find(runs, 'B2', 'S1', 0, 'throughput');
  const lines: string[] = [];
  const m = result.machine;
  lines.push(
    `Run ${result.date.slice(0, 16).replace('T', ' ')} UTC on ${m.nproc} cores (${m.cpuModel}), ${m.memTotalMb} MB, node ${m.node}` +
      (result.git
        ? `, commit ${result.git.commit}${result.git.srcDirty ? ' + uncommitted src changes' : ''}`
        : '') +
      `; database: ${result.config.database}; warm-up ${result.config.warmupSec} s, measured ${result.config.measuredSec} s per run.`,
  );
  lines.push('');
  lines.push(
    '| run | upstream | conn. | req/s | p50 ms | p99 ms | added p50 | added p99 | upstream calls/req | CPU ms/req | core busy | other load | RSS MB | errors | ×B1 | ×B2 |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of runs) {
    if (!r.load) {
      lines.push(
        `| ${r.target} ${r.scenario} | ${r.upstreamLatencyMs} ms | ${r.connections} | failed: ${(r.error ?? '').slice(0, 80).replace(/\|/g, '/')} |||||||||||||`,
      );
      continue;
    }
    const added = addedLatency(runs, r);
    const l = r.load.latencyMs;
    const thr = r.mode === 'throughput' && r.scenario === 'S1';
    lines.push(
      `| ${r.target} ${r.scenario} | ${r.upstreamLatencyMs} ms | ${r.connections} | ${Math.round(r.load.rps)} | ${l.p50.toFixed(2)} | ${l.p99.toFixed(2)} | ` +
        `${added ? added.p50.toFixed(2) : ''} | ${added ? added.p99.toFixed(2) : ''} | ${r.upstreamCallsPerRequest ?? ''} | ` +
        `${r.cpuMsPerRequest !== undefined ? r.cpuMsPerRequest.toFixed(3) : ''} | ` +
        `${r.coreUtilization !== undefined && r.target !== 'B0' ? `${Math.round(r.coreUtilization * 100)}%` : ''} | ` +
        `${r.foreignLoadCore1 !== undefined ? `${Math.round(r.foreignLoadCore1 * 100)}%` : ''} | ` +
        `${r.rssMb && r.target !== 'B0' ? Math.round(r.rssMb.max) : ''} | ${r.load.errors.total} | ` +
        `${thr && b1 ? round(r.load.rps / b1.load!.rps).toFixed(2) : ''} | ${thr && b2 ? round(r.load.rps / b2.load!.rps).toFixed(2) : ''} |`,
    );
  }
  lines.push('');
  lines.push('| target | result | measured |');
  lines.push('|---|---|---|');
  for (const t of result.targets) {
    lines.push(
      `| ${t.target} | ${t.pass === null ? 'n/a' : t.pass ? '**pass**' : '**FAIL**'} | ${t.value.replace(/\|/g, '/')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
