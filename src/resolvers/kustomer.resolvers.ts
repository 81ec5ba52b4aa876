import type { KustomerDataSource } from '../datasources/kustomer/kustomer.datasource';
import type { IntegrationRow } from '../db/integrations.repo';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayContext } from '../graphql/context';
import type {
  KustomerConversationResolvers,
  KustomerCustomerResolvers,
  KustomerIntegrationResolvers,
  MutationResolvers,
} from '../generated/graphql';
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
async function ownKustomer(context: GatewayContext): Promise<KustomerDataSource> {
  const rows = await context.integrations.load(context.viewer!.orgId);
  const row = rows.find((r) => r.provider === 'kustomer');
  if (!row) throw new GatewayError('INTEGRATION_NOT_CONNECTED');
  context.auditTarget.provider = 'kustomer';
  context.auditTarget.accountKey = row.account_key;
  return kustomer(row, context);
}

export const KustomerMutation: Pick<
  MutationResolvers,
  'createKustomerConversation' | 'createKustomerTicket' | 'addKustomerNote'
> = {
  createKustomerConversation: async (_source, { input }, context) => ({
    conversation: await (await ownKustomer(context)).createConversation(input),
  }),
  createKustomerTicket: async (_source, { input }, context) => ({
    conversation: await (await ownKustomer(context)).createTicket(input),
  }),
  addKustomerNote: async (_source, { input }, context) => ({
    note: await (await ownKustomer(context)).addNote(input),
  }),
};
