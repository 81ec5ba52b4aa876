/**
 * Closed-loop load with autocannon: `connections` clients, each sending its next request as soon as
 * the previous answer arrived. Latency is taken per response from autocannon's own high-resolution
 * timer (the 'response' event) rather than its histogram, which keeps whole milliseconds only — too
 * coarse for a 1.5 ms budget. Every body is checked; a failed check counts as an error.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSec: number;
  /** True when the response body is right (status is checked separately). */
  check: (body: string) => boolean;
  /**
   * Changes each request before it is sent (autocannon's `requests[].setupRequest`), e.g. a fresh
   * webhook id per delivery. It runs before autocannon starts the request's timer.
   */
  setupRequest?: <R extends { headers?: Record<string, string>; body?: unknown }>(req: R) => R;
}

export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  /** Answers received in the window. */
  requests: number;
  /** Requests sent (answered, plus those still in flight when the window closed). */
  sent: number;
  rps: number;
  latencyMs: LatencySummary;
  errors: { total: number; non2xx: number; badBody: number; socket: number; timeouts: number };
  /** First wrong body seen, cut to 500 characters. */
  errorSample?: string;
}

export function summarize(values: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    min: r(sorted[0]!),
    mean: r(sum / n),
    p50: r(at(0.5)),
    p90: r(at(0.9)),
    p99: r(at(0.99)),
    p999: r(at(0.999)),
    max: r(sorted[n - 1]!),
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let errorSample: string | undefined;
  // autocannon emits 'response' and then calls verifyBody for the same answer, synchronously: the
  // status seen last belongs to the body being verified. Non-2xx answers are counted as non2xx only.
  let lastStatus = 200;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: opts.url,
    method: 'POST',
    headers: opts.headers,
    body: opts.body,
    ...(opts.setupRequest ? { requests: [{ setupRequest: opts.setupRequest }] } : {}),
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 10,
    verifyBody: (body: string) => {
      if (lastStatus < 200 || lastStatus >= 300) {
        if (errorSample === undefined) errorSample = `HTTP ${lastStatus}: ${body.slice(0, 480)}`;
        return true;
      }
      const ok = opts.check(body);
      if (!ok && errorSample === undefined) errorSample = body.slice(0, 500);
      return ok;
    },
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    lastStatus = statusCode;
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const requests = result.requests.total as number;
  const non2xx = result.non2xx as number;
  const badBody = result.mismatches as number;
  const socket = result.errors as number;
  const timeouts = result.timeouts as number;
  return {
    connections: opts.connections,
    durationSec: Math.round(elapsed * 100) / 100,
    requests,
    sent: (result.requests.sent as number | undefined) ?? requests,
    rps: Math.round((requests / elapsed) * 10) / 10,
    latencyMs: summarize(latencies.subarray(0, count)),
    // Timeouts are also counted in `errors` by autocannon.
    errors: { total: non2xx + badBody + socket, non2xx, badBody, socket, timeouts },
    ...(errorSample !== undefined ? { errorSample } : {}),
  };
}
