import type { Db } from './database';

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
}

/** Bound on the rows kept in memory (one per active organization). */
const MAX_CACHED = 100_000;

/**
 * Organizations are created the first time a valid token names it (DESIGN.md) and the gateway never
 * changes them afterwards, so a row read once is kept in memory: the hot path of every request
 * (which organization is this?) costs no database round trip after the first.
 */
export class OrganizationsRepo {
  private readonly rows = new Map<string, OrganizationRow>();

  constructor(private readonly db: Db) {}

  async ensure(id: string, name: string | undefined): Promise<void> {
    if (this.rows.has(id)) return;
    await this.db('organizations')
      .insert({ id, name: name ?? `Organization ${id.slice(0, 8)}` })
      .onConflict('id')
      .ignore();
    await this.byId(id);
  }

  async byId(id: string): Promise<OrganizationRow | undefined> {
    const cached = this.rows.get(id);
    if (cached) return cached;
    const row = (await this.db('organizations').select('id', 'name', 'created_at').where({ id }).first()) as
      OrganizationRow | undefined;
    if (row) {
      if (this.rows.size >= MAX_CACHED) this.rows.clear();
      this.rows.set(id, row);
    }
    return row;
  }
}
