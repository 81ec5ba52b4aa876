import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';

export type Db = Knex;

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Folder for PGlite's files; `:memory:` keeps everything in memory (tests). */
  pgliteDataDir: string;
}

/**
 * PostgreSQL through knex: a real server when DATABASE_URL is set, otherwise PGlite (PostgreSQL
 * compiled to WebAssembly) so `npm start` needs no set-up. The same SQL runs on both; differences
 * to keep in mind are in STACK.md (count() types, jsonb arrays).
 */
export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({ client: 'pg', connection: options.databaseUrl, pool: { min: 0, max: 10 } });
  }
  const inMemory = options.pgliteDataDir === ':memory:';
  if (!inMemory) fs.mkdirSync(path.resolve(options.pgliteDataDir), { recursive: true });
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    // knex-pglite keeps exactly one connection, and refuses a pool setting.
    connection: inMemory ? {} : { filename: path.resolve(options.pgliteDataDir) },
  } as Knex.Config);
}

export function engineName(db: Db): 'postgresql' | 'pglite' {
  return db.client.config.client === 'pg' ? 'postgresql' : 'pglite';
}
