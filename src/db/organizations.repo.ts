import type { Db } from './database';

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
}

/**
 * Organizations are created the first time a valid token names them (DESIGN.md). The set of ids
 * already ensured keeps that to one write per organization per process, not one per request.
 */
export class OrganizationsRepo {
  private readonly ensured = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensure(id: string, name: string | undefined): Promise<void> {
    if (this.ensured.has(id)) return;
    await this.db('organizations')
      .insert({ id, name: name ?? `Organization ${id.slice(0, 8)}` })
      .onConflict('id')
      .ignore();
    if (this.ensured.size > 100_000) this.ensured.clear();
    this.ensured.add(id);
  }

  async byId(id: string): Promise<OrganizationRow | undefined> {
    return this.db('organizations').where({ id }).first();
  }
}
