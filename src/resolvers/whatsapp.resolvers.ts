import type { Resolvers } from '../generated/graphql';
import { identifierField, integrationCommonFields } from './integration.resolvers';

/** Collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  WhatsAppIntegration: {
    ...integrationCommonFields,
    businessNumber: identifierField('businessNumber'),
  },
};
