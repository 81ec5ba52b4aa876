import { fromGraphQLProvider } from '../datasources/registry';
import { GatewayError } from '../errors/gateway-error';
import type { AuditLogEntryResolvers, OrganizationResolvers } from '../generated/graphql';
import { toGraphQLProvider } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import type { AuditOutcomeValue } from '../db/audit.repo';

const MAX_AUDIT_PAGE = 100;

export const Organization: OrganizationResolvers = {
  id: (org) => org.id,
  name: (org) => org.name,
  createdAt: (org) => org.created_at,
  integrations: (org, _args, context) => context.integrations.load(org.id),
  async integration(org, { provider }, context) {
    const id = fromGraphQLProvider(provider);
    const rows = await context.integrations.load(org.id);
    return rows.find((row) => row.provider === id)!;
  },
  async auditLog(org, { first, after, provider, outcome }, context) {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
      throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_AUDIT_PAGE}.`);
    }
    const afterId = after ? decodeCursor(after) : undefined;
    // One extra row tells whether there is a next page.
    const rows = await context.services.audit.page(org.id, limit + 1, afterId, {
      ...(provider ? { provider: fromGraphQLProvider(provider) } : {}),
      ...(outcome ? { outcome: outcome.toLowerCase() as AuditOutcomeValue } : {}),
    });
    const page = rows.slice(0, limit);
    const edges = page.map((row) => ({ cursor: encodeCursor(row.id), node: row }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: afterId !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  },
};

const encodeCursor = (id: string) => Buffer.from(`audit:${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1]) throw new GatewayError('BAD_USER_INPUT', 'after is not a cursor from this list.');
  return match[1];
}

export const AuditLogEntry: AuditLogEntryResolvers = {
  id: (row) => row.id,
  at: (row) => row.at,
  action: (row) => row.action,
  outcome: (row) => (row.outcome === 'ok' ? 'OK' : row.outcome === 'denied' ? 'DENIED' : 'ERROR'),
  errorCode: (row) => row.error_code,
  provider: (row) => (row.provider ? (toGraphQLProvider(row.provider as ProviderId) as never) : null),
  accountKey: (row) => row.account_key,
  actorId: (row) => row.actor_id,
  actorRole: (row) => row.actor_role,
  requestId: (row) => row.request_id,
};
