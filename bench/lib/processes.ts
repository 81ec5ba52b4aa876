/**
 * Child processes of the benchmark: started pinned to a core with `taskset`, their output kept for
 * error reports, and every one of them killed when the benchmark ends, fails or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Last ~64 KB of stdout+stderr, for error messages. */
  output(): string;
  /** Resolves with the first stdout/stderr line matching `re` (or rejects on exit/timeout). */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited: boolean;
}

const children = new Set<Child>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const child of children) {
    if (child.exited) continue;
    try {
      // Each child leads its own process group (detached), so grandchildren go too.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      try {
        child.proc.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      killAllSync();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error('bench: uncaught exception:', error);
    killAllSync();
    process.exit(1);
  });
}

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Pins this process (all its threads) to `cpu`. */
export function pinSelf(cpu: number): boolean {
  if (!hasTaskset()) return false;
  return (
    spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' }).status ===
    0
  );
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  /** CPU list for taskset, e.g. "1"; omitted when taskset is missing. */
  cpu?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function spawnChild(opts: SpawnOptions): Child {
  installHooks();
  const useTaskset = opts.cpu !== undefined && hasTaskset();
  const command = useTaskset ? 'taskset' : opts.command;
  const args = useTaskset ? ['-c', opts.cpu!, opts.command, ...opts.args] : opts.args;
  // taskset execs the command, so the pid is the command's own.
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (proc.pid === undefined) throw new Error(`could not start ${opts.name}`);
  let buffer = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    buffer = (buffer + text).slice(-65_536);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${opts.name}] ${text}`);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i]!;
        const match = line.match(waiter.re);
        if (match) {
          waiters.splice(i, 1);
          waiter.resolve(match);
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exitPromise = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: Child = {
    name: opts.name,
    proc,
    pid: proc.pid,
    exited: false,
    output: () => buffer,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const match = buffer
          .split('\n')
          .map((l) => l.match(re))
          .find((m) => m);
        if (match) return resolve(match);
        const timer = setTimeout(() => {
          reject(
            new Error(
              `${opts.name}: no line matching ${re} within ${timeoutMs} ms. Output:\n${tail(buffer)}`,
            ),
          );
        }, timeoutMs);
        const onExit = () => {
          clearTimeout(timer);
          reject(
            new Error(
              `${opts.name} exited (code ${proc.exitCode}, signal ${proc.signalCode}). Output:\n${tail(buffer)}`,
            ),
          );
        };
        proc.once('exit', onExit);
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(timer);
            proc.off('exit', onExit);
            resolve(m);
          },
        });
      });
    },
    async stop(graceMs = 3000) {
      if (child.exited) return;
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, graceMs);
      await exitPromise;
      clearTimeout(timer);
      children.delete(child);
    },
  };
  proc.once('exit', () => {
    child.exited = true;
  });
  children.add(child);
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx (bounded). */
export async function waitForHttp(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child?.exited)
      throw new Error(`${child.name} exited during start-up. Output:\n${tail(child.output())}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${url} not ready after ${timeoutMs} ms (${lastError})${child ? `. Output:\n${tail(child.output())}` : ''}`,
  );
}
