import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/**
 * Row-level security's other half (migrations/20261222_015_row_level_security.ts): which rows a
 * database statement may see is decided by PostgreSQL from two settings of the connection,
 * `app.org_id` (one organization's rows) and `app.platform` ('on': every organization's rows, for
 * the platform code paths named in README "Isolation in depth"). A statement run with neither sees
 * no tenant row and can write none.
 *
 * The settings come from the scope of the work the statement belongs to, kept in AsyncLocalStorage:
 * a GraphQL request is in its viewer's organization from the moment the token is verified, platform
 * work (webhook intake, the job runner, the support view, the legacy importer) says so explicitly,
 * anything else is in no organization. Every connection checkout applies the scope before its first
 * statement (a transaction checks out once, before BEGIN), so every statement runs with the settings
 * of the work it belongs to; a connection that already carries them is not asked again, which keeps
 * the usual cost at zero added round trips (one when the organization changes).
 */
export type DbScope =
  | { kind: 'none' }
  | { kind: 'tenant'; organizationId: string }
  /** `asOwner`: as the login role (the tables' owner), for an operator command reading tables of its own. */
  | { kind: 'platform'; reason: string; asOwner?: boolean };

interface ScopeHolder {
  scope: DbScope;
}

const storage = new AsyncLocalStorage<ScopeHolder>();

const NONE: DbScope = { kind: 'none' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `work` in `scope` (a new holder: nothing done inside can change the caller's scope). */
export function runInScope<T>(scope: DbScope, work: () => T): T {
  return storage.run({ scope }, work);
}

/**
 * Platform work: every organization's rows. Only for the code paths README names. What `work`
 * returns is awaited inside the scope: a knex query builder runs when awaited, so returning one
 * unawaited would otherwise run it outside.
 */
export function asPlatform<T>(reason: string, work: () => T | PromiseLike<T>): Promise<T> {
  return runInScope({ kind: 'platform', reason }, async () => await work());
}

/**
 * Platform work as the tables' owner: the legacy importer, an operator's command that reads a table
 * of the operator's choosing (`--from database --table`), which the gateway's role has no grant on.
 * Still bound by the policies on PostgreSQL (FORCE), with every row in reach.
 */
export function asOwner<T>(reason: string, work: () => T | PromiseLike<T>): Promise<T> {
  return runInScope({ kind: 'platform', reason, asOwner: true }, async () => await work());
}

/** One organization's rows, whatever the surrounding scope (awaited inside, as asPlatform). */
export function forOrganization<T>(organizationId: string, work: () => T | PromiseLike<T>): Promise<T> {
  return runInScope({ kind: 'tenant', organizationId }, async () => await work());
}

/**
 * Narrows the current holder to one organization: what a GraphQL request does once its token is
 * verified (its work started in no organization). Widening is refused: a tenant scope never
 * becomes another organization's or the platform's this way.
 */
export function enterOrganization(organizationId: string): void {
  const holder = storage.getStore();
  if (!holder) return;
  if (holder.scope.kind === 'none') holder.scope = { kind: 'tenant', organizationId };
}

/**
 * A verified viewer's scope for the rest of its request: its organization, or the platform for a
 * platform administrator (the support view opens other organizations and lists pending claims
 * across them; which of those a role may do is @auth's decision, and opening one is audited).
 */
export function enterViewerScope(viewer: { orgId: string; role: string }): void {
  const holder = storage.getStore();
  if (!holder || holder.scope.kind !== 'none') return;
  holder.scope =
    viewer.role === 'platform_admin'
      ? { kind: 'platform', reason: 'platform administrator' }
      : { kind: 'tenant', organizationId: viewer.orgId };
}

/**
 * Whether the current work sees the organization's rows: its own organization, or the platform.
 * Outside any scope the answer is yes (the guard's fallback decides: tests' fixtures, migrations).
 */
export function scopeSees(organizationId: string): boolean {
  const scope = currentScope();
  if (!scope) return true;
  return scope.kind === 'platform' || (scope.kind === 'tenant' && scope.organizationId === organizationId);
}

export function currentScope(): DbScope | undefined {
  return storage.getStore()?.scope;
}

/** What a connection is told: role, organization, platform flag. */
interface ConnectionState {
  role: string;
  orgId: string;
  platform: string;
}

interface GuardState {
  /** False while migrations run: statements then run as the owner, in platform scope. */
  enforcing: boolean;
  /** The non-owner role statements run as once enforcing; 'none' keeps the login role. */
  appRole: string;
  /** The scope of statements made outside any scope (tests' own fixtures; 'none' in the gateway). */
  unscoped: DbScope;
}

const guards = new WeakMap<object, GuardState>();
const applied = new WeakMap<object, ConnectionState>();

const SET_SCOPE =
  "select set_config('role', $1, false), set_config('app.org_id', $2, false), set_config('app.platform', $3, false)";

function wanted(guard: GuardState): ConnectionState {
  if (!guard.enforcing) return { role: 'none', orgId: '', platform: 'on' };
  const scope = currentScope() ?? guard.unscoped;
  return {
    role: scope.kind === 'platform' && scope.asOwner ? 'none' : guard.appRole,
    orgId: scope.kind === 'tenant' && UUID.test(scope.organizationId) ? scope.organizationId : '',
    platform: scope.kind === 'platform' ? 'on' : '',
  };
}

/**
 * Applies the scope on every connection checkout. Works for node-postgres clients and PGlite alike
 * (both have `query(text, params)`). The settings are session settings overwritten at each checkout,
 * so nothing carries over from one piece of work to the next on a pooled connection.
 */
export function installTenantGuard(db: Knex, options: { unscoped: DbScope }): void {
  const guard: GuardState = { enforcing: false, appRole: 'none', unscoped: options.unscoped };
  guards.set(db, guard);
  const client = db.client as {
    acquireConnection: () => Promise<{ query: (text: string, params: unknown[]) => Promise<unknown> }>;
  };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const connection = await acquire();
    const want = wanted(guard);
    const has = applied.get(connection);
    if (!has || has.role !== want.role || has.orgId !== want.orgId || has.platform !== want.platform) {
      try {
        await connection.query(SET_SCOPE, [want.role, want.orgId, want.platform]);
      } catch (error) {
        applied.delete(connection);
        (db.client as { releaseConnection: (c: unknown) => Promise<unknown> }).releaseConnection(connection);
        throw error;
      }
      applied.set(connection, want);
    }
    return connection;
  };
}

/** Migrations run as the owner in platform scope; the guard is switched on when they are done. */
export function setTenantGuard(db: Knex, enforcing: { appRole: string } | false): void {
  const guard = guards.get(db);
  if (!guard) return;
  guard.enforcing = enforcing !== false;
  if (enforcing) guard.appRole = enforcing.appRole;
}

export function tenantGuardEnforcing(db: Knex): boolean {
  return guards.get(db)?.enforcing ?? false;
}

export { NONE as NO_ORGANIZATION };
