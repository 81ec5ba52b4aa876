import type { Resolvers } from '../generated/graphql';
import { integrationCommonFields } from './integration.resolvers';

/** Collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  OpenAIIntegration: {
    ...integrationCommonFields,
  },
};
