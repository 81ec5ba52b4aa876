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

const kustomer = (row: IntegrationRow, context: GatewayContext) =>
  context.dataSource<KustomerDataSource>(row);

export const KustomerIntegration: KustomerIntegrationResolvers = {
  ...integrationCommonFields,
  subdomain: identifierField('subdomain'),
  customer: (row, args, context) => kustomer(row, context).customer(args),
  conversation: (row, { id }, context) => kustomer(row, context).conversation(id),
};

export const KustomerCustomer: KustomerCustomerResolvers = {
  conversations: (customer, args) => customer.source.customerConversations(customer.id, args),
};

export const KustomerConversation: KustomerConversationResolvers = {
  messages: (conversation, args) => conversation.source.conversationMessages(conversation.id, args),
};

/** Writes act on the caller's own organization's Kustomer integration, and say so in the audit entry. */
const ownKustomer = <T>(context: GatewayContext, action: (kustomer: KustomerDataSource) => Promise<T>) =>
  actOnOwnIntegration(context, 'kustomer', (row) => action(kustomer(row, context)));

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
