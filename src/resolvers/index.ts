import type { Resolvers } from '../generated/graphql';
import {
  Integration,
  IntegrationCommon,
  MessengerIntegration,
  OpenAIIntegration,
  StripeIntegration,
  WhatsAppIntegration,
} from './integration.resolvers';
import {
  KlaviyoCampaign,
  KlaviyoIntegration,
  KlaviyoList,
  KlaviyoMutation,
  KlaviyoProperties,
  KlaviyoSegment,
} from './klaviyo.resolvers';
import {
  KustomerConversation,
  KustomerCustomer,
  KustomerIntegration,
  KustomerMutation,
} from './kustomer.resolvers';
import { Mutation } from './mutation.resolvers';
import { AuditLogEntry, Organization } from './organization.resolvers';
import { Query, Viewer } from './query.resolvers';
import { DateTime } from './scalars.resolvers';
import {
  ShopifyCustomer,
  ShopifyIntegration,
  ShopifyMutation,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyProductVariant,
} from './shopify.resolvers';
import { WebhookEvent, WebhookMutation, WebhookOrganization, WebhookQuery } from './webhook.resolvers';

/** One resolver map per type; provider types come from their own files. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { ...Query, ...WebhookQuery },
  Mutation: { ...Mutation, ...ShopifyMutation, ...KlaviyoMutation, ...KustomerMutation, ...WebhookMutation },
  Viewer,
  Organization: { ...Organization, ...WebhookOrganization },
  AuditLogEntry,
  WebhookEvent,
  Integration,
  IntegrationCommon,
  ShopifyIntegration,
  ShopifyProduct,
  ShopifyProductVariant,
  ShopifyOrder,
  ShopifyCustomer,
  KlaviyoIntegration,
  KlaviyoList,
  KlaviyoSegment,
  KlaviyoCampaign,
  KlaviyoProperties,
  KustomerIntegration,
  KustomerCustomer,
  KustomerConversation,
  MessengerIntegration,
  WhatsAppIntegration,
  OpenAIIntegration,
  StripeIntegration,
};
