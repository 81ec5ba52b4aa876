/**
 * CPU time and memory of a process (and its descendants) from /proc, Linux only.
 * utime+stime are in clock ticks (CLK_TCK, 100/s on Linux: 10 ms resolution), so CPU per request
 * is only read over windows of several seconds.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clkTck: number | undefined;
export function clockTicks(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

function readStat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}

/** `pid` and every live descendant. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(Number(entry));
    parents.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < 1000) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(parents.get(p) ?? []));
  }
  return out;
}

/** CPU seconds (user+system) used so far by these processes. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / clockTicks();
}

export interface Memory {
  /** Current resident set (MB), summed over the processes. */
  rssMb: number;
  /** Peak resident set so far (VmHWM, MB), summed. */
  hwmMb: number;
}

export function memory(pids: number[]): Memory {
  let rss = 0;
  let hwm = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      hwm += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return { rssMb: rss / 1024, hwmMb: hwm / 1024 };
}

/** Samples RSS every `intervalMs` until stopped; returns the samples (ms since start, MB). */
export function sampleRss(pids: number[], intervalMs: number) {
  const started = Date.now();
  const samples: Array<{ t: number; rssMb: number }> = [];
  const take = () => samples.push({ t: Date.now() - started, rssMb: memory(pids).rssMb });
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export function machineInfo() {
  let cpuModel = 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    /* not Linux */
  }
  let nproc = 0;
  try {
    // --all: this process may already be pinned to one core.
    nproc = Number(execFileSync('nproc', ['--all']).toString().trim());
  } catch {
    /* ignore */
  }
  let memTotalMb = 0;
  try {
    memTotalMb = Math.round(
      Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024,
    );
  } catch {
    /* ignore */
  }
  return {
    nproc,
    cpuModel,
    memTotalMb,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Jiffies per CPU from /proc/stat: busy (all but idle and iowait), steal, total. */
export function cpuTimes(): Map<string, { busy: number; steal: number; total: number }> {
  const out = new Map<string, { busy: number; steal: number; total: number }>();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^(cpu\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const v = m[2]!.split(/\s+/).map(Number);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      out.set(m[1]!, { busy: total - idle, steal: v[7] ?? 0, total });
    }
  } catch {
    /* not Linux */
  }
  return out;
}

/**
 * How busy each CPU was between two cpuTimes() readings (0..1), and its stolen share (a VM's
 * hypervisor giving the time to someone else).
 */
export function cpuBusyBetween(a: ReturnType<typeof cpuTimes>, b: ReturnType<typeof cpuTimes>) {
  const out: Record<string, { busy: number; steal: number }> = {};
  for (const [cpu, end] of b) {
    const start = a.get(cpu);
    if (!start) continue;
    const total = end.total - start.total;
    if (total <= 0) continue;
    out[cpu] = {
      busy: Math.round(((end.busy - start.busy) / total) * 100) / 100,
      steal: Math.round(((end.steal - start.steal) / total) * 100) / 100,
    };
  }
  return out;
}
