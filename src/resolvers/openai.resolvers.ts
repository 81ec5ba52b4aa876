import type { Resolvers } from '../generated/graphql';
import { aiUsageOf } from './ai.resolvers';
import { integrationCommonFields } from './integration.resolvers';

/** Collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  OpenAIIntegration: {
    ...integrationCommonFields,
    // AI needs no connect step: the card reads the organization's settings and usage.
    enabled: async (row, _args, context) => (await context.services.ai.settings(row.organization_id)).enabled,
    usage: (row, { period }, context) => aiUsageOf(context, row.organization_id, period ?? 'TODAY'),
  },
};
