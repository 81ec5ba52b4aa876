import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import { installTenantGuard, type DbScope } from './tenant-scope';

export type Db = Knex;

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite's files; `:memory:` keeps everything in memory (tests). */
  pgliteDataDir: string;
  /**
   * The row-level-security scope of statements made outside any scope (src/db/tenant-scope.ts): no
   * organization (the default: they see no tenant row). Tests use 'platform' for their own fixtures.
   */
  unscoped?: DbScope;
  /**
   * An in-memory PGlite starts from this `dumpDataDir` tarball (see dumpEmbeddedDatabase) instead of
   * running initdb: tests start many gateways, and initdb costs seconds each on a busy machine.
   */
  pgliteTemplate?: string | undefined;
}

/**
 * PostgreSQL through knex: a real server when DATABASE_URL is set, otherwise PGlite (PostgreSQL
 * compiled to WebAssembly) so `npm start` needs no set-up. The same SQL runs on both; differences
 * to keep in mind are in STACK.md (count() types, jsonb arrays).
 */
export function createDatabase(options: DatabaseOptions): Db {
  const db = connect(options);
  installTenantGuard(db, { unscoped: options.unscoped ?? { kind: 'none' } });
  return db;
}

function connect(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({ client: 'pg', connection: options.databaseUrl, pool: { min: 0, max: 10 } });
  }
  const inMemory = options.pgliteDataDir === ':memory:';
  if (!inMemory) fs.mkdirSync(path.resolve(options.pgliteDataDir), { recursive: true });
  let pglite: PGlite | undefined;
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    // knex-pglite keeps exactly one connection, and refuses a pool setting.
    connection: () => {
      pglite ??= new PGlite(inMemory ? undefined : path.resolve(options.pgliteDataDir), {
        // PostgreSQL's 128 MB default is sized for a server; the gateway's working set is small and
        // shared buffers live inside this process's memory.
        startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
        ...(inMemory && options.pgliteTemplate
          ? { loadDataDir: new Blob([fs.readFileSync(options.pgliteTemplate)]) }
          : {}),
      });
      return { pglite };
    },
  } as Knex.Config);
}

const PGLITE_SHARED_BUFFERS = '16MB';

/** Writes the embedded database's files as a tarball an in-memory PGlite can start from. */
export async function dumpEmbeddedDatabase(db: Db, file: string): Promise<void> {
  const pglite = (db.client as { pglite?: PGlite }).pglite;
  if (!pglite) throw new Error('dumpEmbeddedDatabase needs a PGlite database');
  const dump = await pglite.dumpDataDir('none');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
}

/**
 * True when the embedded database's folder holds no database yet. Creating one (initdb) takes about
 * 500 MB that a process never gives back, so `npm start` does it in a short-lived child process.
 */
export function pgliteNeedsInit(dataDir: string): boolean {
  return dataDir !== ':memory:' && !fs.existsSync(path.join(path.resolve(dataDir), 'PG_VERSION'));
}

export function engineName(db: Db): 'postgresql' | 'pglite' {
  return db.client.config.client === 'pg' ? 'postgresql' : 'pglite';
}
