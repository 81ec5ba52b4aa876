import type { WhatsAppDataSource } from '../datasources/whatsapp/whatsapp.datasource';
import { holdsAccount, type IntegrationRow } from '../db/integrations.repo';
import type { GatewayContext } from '../graphql/context';
import type { Resolvers, WhatsAppIntegrationResolvers } from '../generated/graphql';
import { identifierField, integrationCommonFields } from './integration.resolvers';

/**
 * The organization's WhatsApp: its business number's data source when connected, else the one of the
 * platform's shared number (templates and the sender check are the platform account's either way).
 */
function whatsapp(row: IntegrationRow, context: GatewayContext): WhatsAppDataSource {
  if (holdsAccount(row)) return context.dataSource<WhatsAppDataSource>(row);
  const target = context.services.runtime.messagingChannelFor(
    row.organization_id,
    'whatsapp',
    undefined,
    context.logger,
  );
  return target.channel as WhatsAppDataSource;
}

export const WhatsAppIntegration: WhatsAppIntegrationResolvers = {
  ...integrationCommonFields,
  businessNumber: identifierField('businessNumber'),
  templates: (row, args, context) => whatsapp(row, context).templates(args),
  sender: (row, _args, context) => whatsapp(row, context).senderStatus(),
};

/** Collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = { WhatsAppIntegration };
