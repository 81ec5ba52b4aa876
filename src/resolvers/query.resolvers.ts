import { appendAuditEntry } from '../graphql/directives/audit.directive';
import { redact } from '../graphql/directives/redact';
import { GatewayError } from '../errors/gateway-error';
import type { QueryResolvers, ViewerResolvers } from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';

const SUPPORT_ACCESS = 'organization.support_access';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function organizationRow(context: GatewayContext, id: string) {
  const row = await context.services.organizations.byId(id);
  if (!row) throw new GatewayError('NOT_FOUND', 'No such organization.');
  return row;
}

export const Query: QueryResolvers = {
  viewer: (_source, _args, context) => context.viewer!,

  /**
   * The organization always comes from the token. An `id` naming another organization is support
   * access: platform_admin only. Each attempt is audited through the same path as @audit (which
   * cannot sit on this field: reading one's own organization is not an action): an allowed one in
   * the opened organization's log, a refused one in the caller's.
   */
  async organization(_source, { id }, context) {
    const viewer = context.viewer!;
    if (!id || id === viewer.orgId) return organizationRow(context, viewer.orgId);
    const audit = (outcome: 'ok' | 'denied' | 'error', errorCode: string | null, organizationId?: string) =>
      appendAuditEntry(context, {
        action: SUPPORT_ACCESS,
        args: redact({ id }),
        outcome,
        errorCode,
        target: {},
        ...(organizationId ? { organizationId } : {}),
      });
    if (viewer.role !== 'platform_admin') {
      await audit('denied', 'FORBIDDEN');
      throw new GatewayError('FORBIDDEN', 'Only a platform administrator may open another organization.');
    }
    if (!UUID.test(id)) {
      await audit('error', 'BAD_USER_INPUT');
      throw new GatewayError('BAD_USER_INPUT', 'id must be an organization UUID.');
    }
    const row = await context.services.organizations.byId(id);
    if (!row) {
      await audit('error', 'NOT_FOUND');
      throw new GatewayError('NOT_FOUND', 'No such organization.');
    }
    await audit('ok', null, row.id);
    return row;
  },
};

export const Viewer: ViewerResolvers = {
  userId: (viewer) => viewer.userId,
  role: (viewer) =>
    viewer.role === 'platform_admin' ? 'PLATFORM_ADMIN' : viewer.role === 'admin' ? 'ADMIN' : 'MEMBER',
  organization: (viewer, _args, context) => organizationRow(context, viewer.orgId),
};
