import { PROVIDERS } from '../datasources/registry';
import type { Resolvers } from '../generated/graphql';
import { AiResolverSet as Ai } from './ai.resolvers';
import { AiRepliesResolvers as AiReplies } from './ai-replies.resolvers';
import { BillingResolverSet as Billing } from './billing.resolvers';
import { ConversationResolverSet as Conversations } from './conversations.resolvers';
import { Integration, IntegrationCommon } from './integration.resolvers';
import { ClaimsMutation, ClaimsQuery, IntegrationClaim, PendingIntegrationClaim } from './claims.resolvers';
import { LegacyImportResolvers } from './legacy-import.resolvers';
import { Mutation } from './mutation.resolvers';
import { AuditLogEntry, Organization } from './organization.resolvers';
import { ProviderInfo, ProvidersQuery } from './providers.resolvers';
import { Query, Viewer } from './query.resolvers';
import { DateTime } from './scalars.resolvers';
import { OrganizationSummary, SupportAttentionItem, SupportQuery } from './support.resolvers';
import { WebhookEvent, WebhookMutation, WebhookOrganization, WebhookQuery } from './webhook.resolvers';

/**
 * The gateway's own types: organizations, the integration lifecycle, the audit log, the inbox, the
 * conversation model and its subscriptions.
 */
const core: Resolvers = {
  DateTime,
  Query: { ...Query, ...ProvidersQuery, ...WebhookQuery, ...Billing.Query, ...SupportQuery, ...ClaimsQuery },
  Mutation: {
    ...Mutation,
    ...ClaimsMutation,
    ...WebhookMutation,
    ...Conversations.Mutation,
    ...Ai.Mutation,
    ...AiReplies.Mutation,
    ...Billing.Mutation,
  },
  Subscription: Conversations.Subscription,
  Viewer,
  Organization: {
    ...Organization,
    ...WebhookOrganization,
    ...Conversations.Organization,
    ...Ai.Organization,
    ...Billing.Organization,
  },
  OrganizationBilling: Billing.OrganizationBilling,
  AiSettings: Ai.AiSettings,
  Conversation: Conversations.Conversation,
  Message: Conversations.Message,
  MessageEvent: Conversations.MessageEvent,
  ShopifyEvent: Conversations.ShopifyEvent,
  AuditLogEntry,
  SupportAttentionItem,
  OrganizationSummary,
  WebhookEvent,
  ProviderInfo,
  IntegrationClaim,
  PendingIntegrationClaim,
  Integration,
  IntegrationCommon,
};

/**
 * Each provider's resolvers, from `src/resolvers/<id>.resolvers.ts`, for every id in the registry:
 * adding a provider adds its file and its registry line, and no spread here. Each module exports
 * `resolvers`; makeExecutableSchema merges fields of shared types such as Mutation.
 */
const fromProviders = PROVIDERS.map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (id) => (require(`./${id}.resolvers`) as { resolvers: Resolvers }).resolvers,
);

export const resolvers: Resolvers[] = [core, ...fromProviders, LegacyImportResolvers];
