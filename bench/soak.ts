/**
 * `npm run bench -- --soak` (or BENCH_SOAK=1): five minutes at a constant rate, to check the
 * gateway's memory does not grow. A mix of S1 (8 in 10), S2 and S3 against the 0 ms upstream;
 * RSS of the gateway process sampled every few seconds. Latencies are not reported: autocannon's
 * fixed-rate mode mis-measures them (STACK.md); the default run measures latency closed-loop.
 *
 * env: BENCH_SOAK_SEC (default 300), BENCH_SOAK_RATE (req/s, default 500), BENCH_SOAK_SAMPLE_SEC (5).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuSeconds, machineInfo, memory, sampleRss } from './lib/proc-stats';
import { stopAll } from './lib/processes';
import { startGateway, startUpstream, storeFor } from './lib/stack';
import { scenarios } from './scenarios';

export async function runSoak({ root }: { root: string }) {
  const seconds = Number(process.env.BENCH_SOAK_SEC ?? 300);
  const rate = Number(process.env.BENCH_SOAK_RATE ?? 500);
  const sampleSec = Number(process.env.BENCH_SOAK_SAMPLE_SEC ?? 5);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-soak-'));
  try {
    console.log(
      `soak: ${seconds}s at ${rate} req/s (S1 ×8, S2, S3 per 10 requests), RSS every ${sampleSec}s`,
    );
    const upstream = await startUpstream();
    const gateway = await startGateway(upstream, dataDir, [0]);
    const token = gateway.tokens[0]!;
    const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
    const body = (name: string) => {
      const s = byName[name]!;
      const variables = { ...s.variables, ...(s.query.includes('$store') ? { store: storeFor(0) } : {}) };
      return JSON.stringify({ query: s.query, variables });
    };
    const mix = ['S1', 'S1', 'S1', 'S1', 'S2', 'S1', 'S1', 'S1', 'S1', 'S3'];
    const requests = mix.map((name) => ({ method: 'POST', body: body(name) }));
    let badBody = 0;
    let errorSample: string | undefined;
    const pid = gateway.child.pid;
    const cpu0 = cpuSeconds([pid]);
    const rss = sampleRss([pid], sampleSec * 1000);
    const instance = autocannon({
      url: `${gateway.url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requests,
      connections: 10,
      overallRate: rate,
      duration: seconds,
      timeout: 10,
      verifyBody: (text: string) => {
        let ok = false;
        try {
          const json = JSON.parse(text);
          ok = json.errors === undefined && json.data != null;
        } catch {
          ok = false;
        }
        if (!ok) {
          badBody++;
          errorSample ??= text.slice(0, 500);
        }
        return ok;
      },
    });
    const progress = setInterval(() => {
      const last = rss.samples.at(-1);
      if (last) console.log(`  t=${Math.round(last.t / 1000)}s RSS ${last.rssMb.toFixed(1)} MB`);
    }, 30_000);
    const result = await instance;
    clearInterval(progress);
    const samples = rss.stop();
    const cpu = cpuSeconds([pid]) - cpu0;
    const mem = memory([pid]);

    // Growth: least-squares slope after the first minute (start-up and JIT warm-up excluded), and
    // the mean of the second minute against the mean of the last minute.
    const after = samples.filter((s) => s.t >= 60_000);
    const slope = leastSquaresSlope(after.map((s) => [s.t / 60_000, s.rssMb]));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const secondMinute = mean(samples.filter((s) => s.t >= 60_000 && s.t < 120_000).map((s) => s.rssMb));
    const lastMinute = mean(samples.filter((s) => s.t >= seconds * 1000 - 60_000).map((s) => s.rssMb));
    const growthMb = lastMinute - secondMinute;
    const errors = (result.non2xx as number) + badBody + (result.errors as number);
    const pass = errors === 0 && Math.abs(growthMb) <= Math.max(10, secondMinute * 0.05) && slope <= 2;
    const out = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      config: { seconds, rate, sampleSec, mix },
      requests: result.requests.total,
      achievedRps: Math.round((result.requests.total / seconds) * 10) / 10,
      errors: { total: errors, non2xx: result.non2xx, badBody, socket: result.errors },
      ...(errorSample ? { errorSample } : {}),
      cpuMsPerRequest: Math.round(((cpu * 1000) / Math.max(1, result.requests.total)) * 1000) / 1000,
      rss: {
        startMb: round(samples[0]?.rssMb ?? 0),
        secondMinuteMeanMb: round(secondMinute),
        lastMinuteMeanMb: round(lastMinute),
        growthMb: round(growthMb),
        slopeMbPerMin: round(slope),
        maxMb: round(Math.max(...samples.map((s) => s.rssMb))),
        hwmMb: round(mem.hwmMb),
      },
      samples: samples.map((s) => ({ t: Math.round(s.t / 100) / 10, rssMb: round(s.rssMb) })),
      pass,
    };
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = out.date.replace(/[:.]/g, '-');
    writeFileSync(join(dir, 'soak-latest.json'), `${JSON.stringify(out, null, 2)}\n`);
    writeFileSync(join(dir, `soak-${stamp}.json`), `${JSON.stringify(out, null, 2)}\n`);
    console.log(
      `\nsoak: ${out.requests} requests (${out.achievedRps} req/s), ${errors} errors, CPU ${out.cpuMsPerRequest} ms/req` +
        `\n  RSS start ${out.rss.startMb} MB, 2nd minute ${out.rss.secondMinuteMeanMb} MB, last minute ${out.rss.lastMinuteMeanMb} MB` +
        ` (growth ${out.rss.growthMb} MB, slope ${out.rss.slopeMbPerMin} MB/min), max ${out.rss.maxMb} MB` +
        `\n  [${pass ? 'PASS' : 'FAIL'}] no memory growth over ${seconds}s at a constant rate (|growth| ≤ max(10 MB, 5%), slope ≤ 2 MB/min, 0 errors)` +
        `\nwritten: bench/results/soak-latest.json`,
    );
    if (errorSample) console.log(`  first error: ${errorSample}`);
  } finally {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

function leastSquaresSlope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
