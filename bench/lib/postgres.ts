/**
 * The database the layout asks for: PostgreSQL on core 0, beside the load tool and the
 * upstream, so the gateway's core does only the gateway's work. Uses the machine's PostgreSQL cluster
 * (as .ci/run sets it up), pins its postmaster — and so every backend it forks — to core 0, and gives
 * each run a fresh database. Returns undefined when there is no PostgreSQL here (the bench then runs
 * the gateway on its embedded PGlite and says so).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const ROLE = 'switchboard';
const DATABASE = 'switchboard_bench';

function sh(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, { cwd: '/', input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function startBenchPostgres(): string | undefined {
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  const version = readdirSync('/usr/lib/postgresql')
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  if (!version) return undefined;
  try {
    sh('pg_ctlcluster', [version, 'main', 'start']);
  } catch {
    // Already running is fine; anything else shows up at the first query below.
  }
  const cluster = sh('pg_lsclusters', ['-h'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([v, name]) => v === version && name === 'main');
  if (!cluster) return undefined;
  const [, , port, , , dataDir] = cluster;
  const psql = (sql: string) =>
    sh('runuser', ['-u', 'postgres', '--', 'psql', '-q', '-p', port!, '-v', 'ON_ERROR_STOP=1'], sql);
  psql(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN PASSWORD '${ROLE}'; END IF;
  END $$;`);
  psql(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE);`);
  psql(`CREATE DATABASE ${DATABASE} OWNER ${ROLE};`);
  const pidFile = `${dataDir}/postmaster.pid`;
  if (existsSync(pidFile)) {
    const pid = readFileSync(pidFile, 'utf8').split('\n')[0]!.trim();
    // Backends are forked per connection and inherit the postmaster's affinity.
    sh('taskset', ['-a', '-cp', '0', pid]);
  }
  return `postgres://${ROLE}:${ROLE}@127.0.0.1:${port}/${DATABASE}`;
}
