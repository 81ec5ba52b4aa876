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

/** One resolver map per type; provider types come from their own files. */
export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation: { ...Mutation, ...ShopifyMutation, ...KlaviyoMutation, ...KustomerMutation },
  Viewer,
  Organization,
  AuditLogEntry,
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
