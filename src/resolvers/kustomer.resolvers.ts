import type { KustomerDataSource } from '../datasources/kustomer/kustomer.datasource';
import type { IntegrationRow } from '../db/integrations.repo';
import type { GatewayContext } from '../graphql/context';
import type {
  KustomerConversationResolvers,
  KustomerCustomerResolvers,
  KustomerIntegrationResolvers,
  MutationResolvers,
  Resolvers,
} from '../generated/graphql';
import { actOnOwnIntegration } from './own-integration';
import { identifierField, integrationCommonFields } from './integration.resolvers';

type Read<R> = (kustomer: KustomerDataSource) => R | Promise<R>;
/** Reads from the row's Kustomer; nested fields of what it returns read from the same one. */
const fromOrg = <R>(row: IntegrationRow, context: GatewayContext, read: Read<R>) =>
  context.fromIntegration(row, read);
/** Reads from the Kustomer a model came from. */
const fromOrgOf = <R>(model: object, context: GatewayContext, read: Read<R>) =>
  context.fromSourceOf(model, read);

export const KustomerIntegration: KustomerIntegrationResolvers = {
  ...integrationCommonFields,
  subdomain: identifierField('subdomain'),
  customer: (row, args, context) => fromOrg(row, context, (k) => k.customer(args)),
  conversation: (row, { id }, context) => fromOrg(row, context, (k) => k.conversation(id)),
};

export const KustomerCustomer: KustomerCustomerResolvers = {
  conversations: (customer, args, context) =>
    fromOrgOf(customer, context, (k) => k.customerConversations(customer.id, args)),
};

export const KustomerConversation: KustomerConversationResolvers = {
  messages: (conversation, args, context) =>
    fromOrgOf(conversation, context, (k) => k.conversationMessages(conversation.id, args)),
};

/** Writes act on the caller's own organization's Kustomer integration, and say so in the audit entry. */
const ownKustomer = <T>(context: GatewayContext, action: (kustomer: KustomerDataSource) => Promise<T>) =>
  actOnOwnIntegration(context, 'kustomer', (row) => fromOrg(row, context, action));

export const KustomerMutation: Pick<
  MutationResolvers,
  'createKustomerConversation' | 'createKustomerTicket' | 'addKustomerNote'
> = {
  createKustomerConversation: (_source, { input }, context) =>
    ownKustomer(context, async (k) => ({ conversation: await k.createConversation(input) })),
  createKustomerTicket: (_source, { input }, context) =>
    ownKustomer(context, async (k) => ({ conversation: await k.createTicket(input) })),
  addKustomerNote: (_source, { input }, context) =>
    ownKustomer(context, async (k) => ({ note: await k.addNote(input) })),
};

/** Kustomer's resolvers, collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  KustomerIntegration,
  KustomerCustomer,
  KustomerConversation,
  Mutation: KustomerMutation,
};
