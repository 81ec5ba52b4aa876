import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, isObjectType, type GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { GatewayError } from '../errors/gateway-error';
import type { RateLimitRule } from '../services/rate-limits';
import { COUNTED_PROVIDERS } from '../services/upstream-calls';
import type { GatewayContext } from './context';
import { toGraphQLError } from './graphql-error';
import { UpstreamCostEstimator, type UpstreamCostEstimate } from './upstream-cost';

/**
 * Each provider's per-organization budget: the @rateLimit of the fields that carry @cost for it
 * (`shopify`: 1,200 calls a minute). The estimate of an operation is charged to these buckets.
 */
export function providerBudgets(schema: GraphQLSchema): Map<string, RateLimitRule> {
  const budgets = new Map<string, RateLimitRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const cost = getDirective(schema, field, 'cost')?.[0];
      // The field's own @rateLimit: a type-level one (Mutation's "mutations") is not a provider's.
      const limit = getDirective(schema, field, 'rateLimit')?.[0];
      if (!cost || !limit || budgets.has(String(cost.provider))) continue;
      budgets.set(String(cost.provider), {
        max: Number(limit.max),
        windowSeconds: Number(limit.windowSeconds),
        bucket: String(limit.bucket ?? `${type.name}.${field.name}`),
      });
    }
  }
  return budgets;
}

function withHttp(error: GatewayError, status: number, headers?: Record<string, string>) {
  const graphQLError = toGraphQLError(error);
  const http: { status: number; headers?: HeaderMap } = { status };
  if (headers) http.headers = new HeaderMap(Object.entries(headers));
  (graphQLError.extensions as Record<string, unknown>).http = http;
  return graphQLError;
}

function describe(estimate: UpstreamCostEstimate): string {
  return Object.entries(estimate.byProvider)
    .filter(([, calls]) => calls > 0)
    .map(([provider, calls]) => `${calls} to ${provider}`)
    .join(', ');
}

/**
 * The fan-out cost model at run time (README, "Limits and the cost model"). Before execution: the
 * operation's upstream calls are estimated from the SDL's @cost/@listSize and the arguments; above
 * `maxCallsPerOperation` it is refused with QUERY_TOO_COMPLEX (nothing has been called), else the
 * estimate is charged to the organization's budget per provider — a query that does not fit is
 * refused with RATE_LIMITED; a mutation's fields answer RATE_LIMITED (so @audit records the refusal).
 * After execution the charge is reconciled with the calls ProviderHttpClient actually sent: the
 * difference is given back, or the excess charged (retries, the Klaviyo key check, a mutation
 * without @cost).
 */
export function upstreamCostPlugin(
  schema: GraphQLSchema,
  options: { maxCallsPerOperation: number },
): ApolloServerPlugin<GatewayContext> {
  const estimator = new UpstreamCostEstimator(schema);
  const budgets = providerBudgets(schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation || operation.operation === 'subscription') return;
          const variables = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Variables that do not coerce fail the operation before any resolver runs.
          if (variables.errors) return;
          const estimate = estimator.estimate(document, operation, variables.coerced);
          const { upstream } = contextValue;
          upstream.estimate = estimate;
          const max = options.maxCallsPerOperation;
          if (estimate.total > max) {
            throw withHttp(
              new GatewayError(
                'QUERY_TOO_COMPLEX',
                `The operation could make up to ${estimate.total} provider calls (${describe(estimate)}); the limit is ${max} per operation. Ask for fewer items (first) or nest fewer lists.`,
                {
                  extensions: {
                    estimatedCalls: estimate.total,
                    estimatedCallsByProvider: estimate.byProvider,
                    maxUpstreamCalls: max,
                  },
                },
              ),
              400,
            );
          }
          const organizationId = contextValue.viewer?.orgId;
          if (!organizationId) return;
          const { rateLimits } = contextValue.services;
          for (const [provider, points] of Object.entries(estimate.byProvider)) {
            const rule = budgets.get(provider);
            if (!rule || points <= 0) continue;
            const decision = await rateLimits.consume(organizationId, rule, points);
            if (decision.allowed) {
              upstream.charges.push({ provider, rule, points });
              continue;
            }
            // Nothing runs: give back what this operation was charged for other providers.
            for (const charge of upstream.charges.splice(0))
              await rateLimits.adjust(organizationId, charge.rule, -charge.points);
            const seconds = Math.ceil(decision.retryAfterMs / 1000);
            const error = new GatewayError(
              'RATE_LIMITED',
              `Your organization's budget of ${rule.bucket} calls cannot take this operation's ${points} now; retry in ${seconds} s.`,
              { extensions: { retryAfterMs: decision.retryAfterMs, estimatedCalls: points } },
            );
            if (operation.operation === 'mutation') {
              upstream.refusal = error;
              return;
            }
            throw withHttp(error, 429, { 'retry-after': String(seconds) });
          }
        },
        async willSendResponse({ contextValue }) {
          const organizationId = contextValue.viewer?.orgId;
          const { upstream, services } = contextValue;
          if (!organizationId) return;
          for (const [provider, rule] of budgets) {
            const id = provider.toLowerCase();
            if (!COUNTED_PROVIDERS.has(id)) continue; // not counted: the estimate stays charged
            const charged = upstream.charges.find((c) => c.provider === provider)?.points ?? 0;
            const delta = upstream.calls.count(id) - charged;
            if (delta !== 0) await services.rateLimits.adjust(organizationId, rule, delta);
          }
        },
      };
    },
  };
}
