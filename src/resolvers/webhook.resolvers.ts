import { fromGraphQLProvider, toGraphQLProvider } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import type { WebhookEventStateValue } from '../db/webhook-events.repo';
import { GatewayError } from '../errors/gateway-error';
import type {
  MutationResolvers,
  OrganizationResolvers,
  QueryResolvers,
  WebhookEventResolvers,
  WebhookEventState,
} from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';
import { withAuditTarget } from '../services/audit-target';

const MAX_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What a replay may restart; pending and processing events are still on their way. */
const REPLAYABLE = new Set<WebhookEventStateValue>(['failed', 'dead', 'done', 'unsupported', 'unrouted']);

async function connection(
  context: GatewayContext,
  filter: { organizationId: string | null; state?: WebhookEventStateValue; provider?: ProviderId },
  first: number | null | undefined,
  after: string | null | undefined,
) {
  const limit = first ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}.`);
  }
  const afterSeq = after ? decodeCursor(after) : undefined;
  // One extra row tells whether there is a next page.
  const rows = await context.services.webhookEvents.page(filter, limit + 1, afterSeq);
  const edges = rows.slice(0, limit).map((row) => ({ cursor: encodeCursor(row.seq), node: row }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: afterSeq !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const encodeCursor = (seq: string) => Buffer.from(`webhook:${seq}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const match = /^webhook:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1]) throw new GatewayError('BAD_USER_INPUT', 'after is not a cursor from this list.');
  return match[1];
}

const stateFromGraphQL = (state: WebhookEventState) => state.toLowerCase() as WebhookEventStateValue;

export const WebhookOrganization: Pick<OrganizationResolvers, 'webhookEvents'> = {
  webhookEvents: (org, { first, after, state, provider }, context) =>
    connection(
      context,
      {
        organizationId: org.id,
        ...(state ? { state: stateFromGraphQL(state) } : {}),
        ...(provider ? { provider: fromGraphQLProvider(provider) } : {}),
      },
      first,
      after,
    ),
};

export const WebhookQuery: Pick<QueryResolvers, 'unroutedWebhookEvents'> = {
  unroutedWebhookEvents: (_source, { first, after }, context) =>
    connection(context, { organizationId: null }, first, after),
};

export const WebhookMutation: Pick<MutationResolvers, 'replayWebhookEvent'> = {
  /**
   * An administrator replays their own organization's events; a platform administrator also the
   * unrouted ones (to route them again once the account is connected). Anything else is NOT_FOUND,
   * not FORBIDDEN: another organization's event ids are not confirmed to exist.
   */
  async replayWebhookEvent(_source, { id }, context) {
    const viewer = context.viewer!;
    const event = UUID.test(id) ? await context.services.webhookEvents.byId(id) : undefined;
    const mayReplay =
      event &&
      (event.organization_id === viewer.orgId ||
        (event.organization_id === null && viewer.role === 'platform_admin'));
    if (!event || !mayReplay) throw new GatewayError('NOT_FOUND', 'No such webhook event.');
    const target = { provider: event.provider as ProviderId, accountKey: event.account_key };
    if (!REPLAYABLE.has(event.state)) {
      throw withAuditTarget(
        new GatewayError('BAD_USER_INPUT', `The event is ${event.state}; it is already on its way.`),
        target,
      );
    }
    await context.services.webhookInbox.replay(event.id);
    const replayed = (await context.services.webhookEvents.byId(event.id)) ?? event;
    return withAuditTarget({ event: replayed }, target);
  },
};

export const WebhookEvent: WebhookEventResolvers = {
  id: (row) => row.id,
  provider: (row) => toGraphQLProvider(row.provider as ProviderId) as never,
  topic: (row) => row.topic,
  state: (row) => row.state.toUpperCase() as WebhookEventState,
  attempts: (row) => row.attempts,
  lastError: (row) => row.last_error,
  receivedAt: (row) => row.received_at,
  processedAt: (row) => row.processed_at,
};
