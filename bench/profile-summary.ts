/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`) by package: where the busy time of the
 * process went, inclusive (anything under it on the stack) and self.
 *
 *   BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --only=GW --scenarios=S1
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--from=12] [--match=src/]
 *
 * --from: seconds after the first GraphQL request to start counting (skips start-up and warm-up).
 * --match: also list functions whose name/file match this regular expression, inclusive.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--from=SECONDS] [--match=REGEX]');
  process.exit(2);
}
const from = Number(args.find((a) => a.startsWith('--from='))?.slice(7) ?? 10);
const match = args.find((a) => a.startsWith('--match='))?.slice(8);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const pkg = (n: ProfileNode) => {
  const url = n.callFrame.url;
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const src = /\/src\/(.+)$/.exec(url);
  if (src) return `src/${src[1]}`;
  return url || n.callFrame.functionName;
};
const fn = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber}`;
const stack = (id: number) => {
  const out: ProfileNode[] = [];
  for (let i: number | undefined = id; i !== undefined && out.length < 2000; i = parent.get(i))
    out.push(nodes.get(i)!);
  return out;
};

let t = profile.startTime;
const times = profile.timeDeltas.map((d) => (t += d));
const firstRequest = profile.samples.findIndex((s) =>
  stack(s).some((n) => n.callFrame.functionName === 'processGraphQLRequest'),
);
const start = firstRequest >= 0 ? times[firstRequest]! + from * 1e6 : 0;

const inclusive = new Map<string, number>();
const selfByPkg = new Map<string, number>();
const inclusiveFn = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((s, i) => {
  if (times[i]! < start) return;
  const d = profile.timeDeltas[i] ?? 0;
  total += d;
  const node = nodes.get(s)!;
  if (node.callFrame.functionName === '(idle)') {
    idle += d;
    return;
  }
  const st = stack(s);
  for (const p of new Set(st.map(pkg))) inclusive.set(p, (inclusive.get(p) ?? 0) + d);
  if (match) for (const f of new Set(st.map(fn))) inclusiveFn.set(f, (inclusiveFn.get(f) ?? 0) + d);
  selfByPkg.set(pkg(node), (selfByPkg.get(pkg(node)) ?? 0) + d);
});
const busy = total - idle;
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');

console.log(
  `window ${(total / 1e6).toFixed(1)} s from ${from} s after the first request; busy ${((busy / Math.max(1, total)) * 100).toFixed(0)}%`,
);
console.log(`\ninclusive, % of busy time\n${top(inclusive, 40)}`);
console.log(`\nself, % of busy time\n${top(selfByPkg, 20)}`);
if (match) {
  const re = new RegExp(match);
  const filtered = new Map([...inclusiveFn].filter(([k]) => re.test(k)));
  console.log(`\nfunctions matching /${match}/, inclusive\n${top(filtered, 40)}`);
}
