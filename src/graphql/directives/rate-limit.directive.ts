import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { GatewayError } from '../../errors/gateway-error';
import type { RateLimitRule } from '../../services/rate-limits';
import type { GatewayContext } from '../context';

/**
 * `@rateLimit(max:, windowSeconds:, bucket:)` as a schema transformer: a budget per organization
 * (the seed's "rate limiting per organization to prevent abuse"), so one tenant cannot spend the
 * shared admin credentials' provider quota. Applied after @auth (the organization is known) and
 * inside @audit (a refused mutation is audited as DENIED). A provider field whose bucket the operation's
 * cost estimate was charged to (src/graphql/upstream-cost.plugin.ts) takes nothing more here.
 */
export function rateLimitDirectiveTransformer(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const type = schema.getType(typeName);
      const directive =
        getDirective(schema, field, 'rateLimit')?.[0] ??
        (type ? getDirective(schema, type, 'rateLimit')?.[0] : undefined);
      if (!directive) return field;
      const rule: RateLimitRule = {
        max: Number(directive.max),
        windowSeconds: Number(directive.windowSeconds),
        bucket: String(directive.bucket ?? `${typeName}.${fieldName}`),
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        async resolve(source, args, context: GatewayContext, info) {
          // A mutation whose estimated provider calls did not fit the budget (upstream-cost.plugin.ts).
          if (context.upstream.refusal) throw context.upstream.refusal;
          const organizationId = context.viewer?.orgId;
          // The operation's estimate was charged to this bucket already: one field is not one call.
          const charged = context.upstream.charges.some((c) => c.rule.bucket === rule.bucket);
          if (organizationId && !charged) {
            const decision = await context.services.rateLimits.consume(organizationId, rule);
            if (!decision.allowed) {
              const seconds = Math.ceil(decision.retryAfterMs / 1000);
              throw new GatewayError(
                'RATE_LIMITED',
                `Your organization has used its budget of ${rule.bucket} calls; retry in ${seconds} s.`,
                { extensions: { retryAfterMs: decision.retryAfterMs } },
              );
            }
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
