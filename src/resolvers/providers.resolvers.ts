import { PROVIDERS, providers, toGraphQLProvider } from '../datasources/registry';
import type { ProviderAdapter, ProviderId } from '../datasources/types';
import type { Provider, ProviderInfoResolvers, QueryResolvers } from '../generated/graphql';

const scopesOf = (id: ProviderId) => (providers[id] as ProviderAdapter<unknown, unknown, unknown>).scopes;

export const ProvidersQuery: Pick<QueryResolvers, 'providers'> = {
  providers: () => PROVIDERS,
};

/** A provider's facts straight from its adapter: the one place they are written. */
export const ProviderInfo: ProviderInfoResolvers = {
  provider: (id) => toGraphQLProvider(id) as Provider,
  displayName: (id) => providers[id].displayName,
  configured: (id, _args, context) => context.services.runtime.isConfigured(id),
  missingVariables: (id, _args, context) => context.services.runtime.missingVariables(id),
  accountFields: (id) =>
    providers[id].account.fields.map(({ name, title, description, example, pattern, message }) => ({
      name,
      title,
      description,
      example,
      pattern,
      message,
    })),
  features: (id) => [...providers[id].features],
  requestedScopes: (id) => [...(scopesOf(id)?.requested ?? [])],
  featureScopes: (id) =>
    Object.entries(scopesOf(id)?.features ?? {}).map(([feature, scopes]) => ({
      feature,
      scopes: [...scopes],
    })),
  connectable: (id) => !providers[id].readOnlyCard,
};
