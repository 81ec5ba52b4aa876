import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { fromGraphQLProvider, providers } from '../../datasources/registry';
import type { ProviderId } from '../../datasources/types';
import { ERROR_CODES, isErrorCode } from '../../errors/codes';
import { GatewayError } from '../../errors/gateway-error';
import type { AuditOutcomeValue } from '../../db/audit.repo';
import type { GatewayContext } from '../context';
import { redact } from './redact';

/**
 * `@audit(action:)` as a schema transformer. Applied after @auth so that it wraps it: a denied
 * attempt is recorded too. The entry is written before the answer leaves, so a client never sees
 * an action that is not in the log.
 */
export function auditDirectiveTransformer(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const directive = getDirective(schema, field, 'audit')?.[0];
      if (!directive) return field;
      const action = String(directive.action);
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        async resolve(source, args, context: GatewayContext, info) {
          try {
            const result = await resolve(source, args, context, info);
            const failure = context.auditTarget.failureCode;
            await record(context, action, args, failure ? outcomeOf(failure) : 'ok', failure ?? null);
            return result;
          } catch (error) {
            const code = error instanceof GatewayError ? error.code : 'INTERNAL_SERVER_ERROR';
            await record(context, action, args, outcomeOf(code), code);
            throw error;
          }
        },
      };
    },
  });
}

function outcomeOf(code: string): AuditOutcomeValue {
  return isErrorCode(code) ? ERROR_CODES[code].outcome : 'error';
}

async function record(
  context: GatewayContext,
  action: string,
  args: Record<string, unknown>,
  outcome: AuditOutcomeValue,
  errorCode: string | null,
): Promise<void> {
  const viewer = context.viewer;
  if (!viewer) {
    // No verified organization to file it under; the log line keeps the attempt visible.
    context.logger.warn({ action, errorCode }, 'unauthenticated attempt at an audited action');
    return;
  }
  await context.services.audit.append({
    requestId: context.requestId,
    organizationId: viewer.orgId,
    actorId: viewer.userId,
    actorRole: viewer.role,
    action,
    provider: context.auditTarget.provider ?? providerFromArgs(args) ?? null,
    accountKey: context.auditTarget.accountKey ?? null,
    outcome,
    errorCode,
    arguments: redact(args),
  });
}

/** `provider: SHOPIFY`, or the one key of a @oneOf input such as `{ input: { shopify: ... } }`. */
function providerFromArgs(args: Record<string, unknown>): ProviderId | undefined {
  if (typeof args.provider === 'string') return fromGraphQLProvider(args.provider);
  const input = args.input;
  if (input && typeof input === 'object') {
    const key = Object.keys(input).find((k) => Object.hasOwn(providers, k));
    if (key) return key as ProviderId;
  }
  return undefined;
}
