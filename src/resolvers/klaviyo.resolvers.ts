import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { KlaviyoDataSource } from '../datasources/klaviyo/klaviyo.datasource';
import type { IntegrationRow } from '../db/integrations.repo';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayContext } from '../graphql/context';
import type {
  KlaviyoCampaignResolvers,
  KlaviyoIntegrationResolvers,
  KlaviyoListResolvers,
  KlaviyoSegmentResolvers,
  MutationResolvers,
  Resolvers,
} from '../generated/graphql';
import { actOnOwnIntegration } from './own-integration';
import { identifierField, integrationCommonFields } from './integration.resolvers';

type Read<R> = (klaviyo: KlaviyoDataSource) => R | Promise<R>;
/** Reads from the row's account; nested fields of what it returns read from the same account. */
const fromAccount = <R>(row: IntegrationRow, context: GatewayContext, read: Read<R>) =>
  context.fromIntegration(row, read);
/** Reads from the account a model came from. */
const fromAccountOf = <R>(model: object, context: GatewayContext, read: Read<R>) =>
  context.fromSourceOf(model, read);

export const KlaviyoIntegration: KlaviyoIntegrationResolvers = {
  ...integrationCommonFields,
  companyId: identifierField('companyId'),
  lists: (row, args, context) => fromAccount(row, context, (k) => k.lists(args)),
  list: (row, { id }, context) => fromAccount(row, context, (k) => k.list(id)),
  segments: (row, args, context) => fromAccount(row, context, (k) => k.segments(args)),
  segment: (row, { id }, context) => fromAccount(row, context, (k) => k.segment(id)),
  profile: (row, args, context) => fromAccount(row, context, (k) => k.profile(args)),
  campaigns: (row, { channel, ...args }, context) =>
    fromAccount(row, context, (k) => k.campaigns(channel, args)),
  campaign: (row, { id }, context) => fromAccount(row, context, (k) => k.campaign(id)),
  metrics: (row, { after }, context) => fromAccount(row, context, (k) => k.metrics(after)),
};

export const KlaviyoList: KlaviyoListResolvers = {
  profiles: (list, args, context) => fromAccountOf(list, context, (k) => k.listProfiles(list.id, args)),
};

export const KlaviyoSegment: KlaviyoSegmentResolvers = {
  profiles: (segment, args, context) =>
    fromAccountOf(segment, context, (k) => k.segmentProfiles(segment.id, args)),
};

export const KlaviyoCampaign: KlaviyoCampaignResolvers = {
  results: (campaign, args, context) =>
    fromAccountOf(campaign, context, (k) => k.campaignResults(campaign.id, campaign.channel, args)),
};

/** Writes act on the caller's own organization's Klaviyo integration, and say so in the audit entry. */
const ownKlaviyo = <T>(context: GatewayContext, action: (klaviyo: KlaviyoDataSource) => Promise<T>) =>
  actOnOwnIntegration(context, 'klaviyo', (row) => fromAccount(row, context, action));

export const KlaviyoMutation: Pick<
  MutationResolvers,
  'subscribeKlaviyoProfile' | 'unsubscribeKlaviyoProfile' | 'trackKlaviyoEvent' | 'upsertKlaviyoProfile'
> = {
  subscribeKlaviyoProfile: (_source, { input }, context) => ownKlaviyo(context, (k) => k.subscribe(input)),
  unsubscribeKlaviyoProfile: (_source, { input }, context) =>
    ownKlaviyo(context, (k) => k.unsubscribe(input)),
  trackKlaviyoEvent: (_source, { input }, context) => ownKlaviyo(context, (k) => k.trackEvent(input)),
  upsertKlaviyoProfile: (_source, { input }, context) =>
    ownKlaviyo(context, async (k) => ({ profile: await k.upsertProfile(input) })),
};

const MAX_PROPERTIES_BYTES = 64 * 1024;
const MAX_DEPTH = 8;

function checkProperties(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('BAD_USER_INPUT', 'properties must be a JSON object.');
  }
  const depth = (v: unknown, d: number): number =>
    v !== null && typeof v === 'object' ? Math.max(d, ...Object.values(v).map((c) => depth(c, d + 1))) : d;
  if (depth(value, 0) > MAX_DEPTH)
    throw new GatewayError('BAD_USER_INPUT', `properties may nest at most ${MAX_DEPTH} levels.`);
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_PROPERTIES_BYTES) {
    throw new GatewayError('BAD_USER_INPUT', 'properties may be at most 64 KB.');
  }
  return value as Record<string, unknown>;
}

function literalValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Free-form custom properties, checked for shape and size before they reach Klaviyo. */
export const KlaviyoProperties = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: 'KlaviyoProperties',
  serialize: (value) =>
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {},
  parseValue: checkProperties,
  parseLiteral: (node, variables) => checkProperties(literalValue(node, variables)),
});

/** Klaviyo's resolvers, collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  KlaviyoIntegration,
  KlaviyoList,
  KlaviyoSegment,
  KlaviyoCampaign,
  KlaviyoProperties,
  Mutation: KlaviyoMutation,
};
