import { assertRole } from '../graphql/directives/auth.directive';
import { GatewayError } from '../errors/gateway-error';
import type { QueryResolvers, ViewerResolvers } from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';

async function organizationRow(context: GatewayContext, id: string) {
  const row = await context.services.organizations.byId(id);
  if (!row) throw new GatewayError('NOT_FOUND', 'No such organization.');
  return row;
}

export const Query: QueryResolvers = {
  viewer: (_source, _args, context) => context.viewer!,

  /**
   * The organization always comes from the token. An `id` naming another organization is support
   * access: platform_admin only, and written to that organization's audit log.
   */
  async organization(_source, { id }, context) {
    const viewer = context.viewer!;
    if (!id || id === viewer.orgId) return organizationRow(context, viewer.orgId);
    try {
      assertRole(context, 'platform_admin');
    } catch (error) {
      throw new GatewayError('FORBIDDEN', 'Only a platform administrator may open another organization.');
    }
    if (!/^[0-9a-f-]{36}$/i.test(id))
      throw new GatewayError('BAD_USER_INPUT', 'id must be an organization UUID.');
    const row = await organizationRow(context, id);
    await context.services.audit.append({
      requestId: context.requestId,
      organizationId: row.id,
      actorId: viewer.userId,
      actorRole: viewer.role,
      action: 'organization.support_access',
      provider: null,
      accountKey: null,
      outcome: 'ok',
      errorCode: null,
      arguments: { id },
    });
    return row;
  },
};

export const Viewer: ViewerResolvers = {
  userId: (viewer) => viewer.userId,
  role: (viewer) =>
    viewer.role === 'platform_admin' ? 'PLATFORM_ADMIN' : viewer.role === 'admin' ? 'ADMIN' : 'MEMBER',
  organization: (viewer, _args, context) => organizationRow(context, viewer.orgId),
};
