import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { fromGraphQLProvider, providers } from '../../datasources/registry';
import type { ProviderId } from '../../datasources/types';
import { ERROR_CODES, isErrorCode } from '../../errors/codes';
import { GatewayError } from '../../errors/gateway-error';
import type { AuditOutcomeValue } from '../../db/audit.repo';
import { auditTargetOf, type AuditTarget } from '../../services/audit-target';
import type { GatewayContext } from '../context';
import { redact } from './redact';

/**
 * `@audit(action:)` as a schema transformer. Applied after @auth so that it wraps it: a denied
 * attempt is recorded too. The entry is written before the answer leaves, so a client never sees
 * an action that is not in the log. Each field's entry is built from what that field's resolver
 * returned or threw (see services/audit-target.ts), never from request-wide state.
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
          // Prepared before the action runs; the repository stores whatever characters they hold.
          const storedArgs = redact(args);
          let result: unknown;
          try {
            result = await resolve(source, args, context, info);
          } catch (error) {
            const code = error instanceof GatewayError ? error.code : 'INTERNAL_SERVER_ERROR';
            await appendAuditEntry(context, {
              action,
              args: storedArgs,
              outcome: outcomeOf(code),
              errorCode: code,
              target: auditTargetOf(error) ?? targetFromArgs(args),
            });
            throw error;
          }
          const target = auditTargetOf(result) ?? targetFromArgs(args);
          const failure = target.failureCode;
          await appendAuditEntry(context, {
            action,
            args: storedArgs,
            outcome: failure ? outcomeOf(failure) : 'ok',
            errorCode: failure ?? null,
            target,
          });
          return result;
        },
      };
    },
  });
}

function outcomeOf(code: string): AuditOutcomeValue {
  return isErrorCode(code) ? ERROR_CODES[code].outcome : 'error';
}

/**
 * The one way an audit entry is written for a GraphQL action, by the directive and by resolvers that
 * audit conditionally (support access to another organization). Filed under the viewer's
 * organization unless `organizationId` names the organization acted on.
 */
export async function appendAuditEntry(
  context: GatewayContext,
  entry: {
    action: string;
    args: unknown;
    outcome: AuditOutcomeValue;
    errorCode: string | null;
    target: AuditTarget;
    organizationId?: string;
  },
): Promise<void> {
  const viewer = context.viewer;
  if (!viewer) {
    // No verified organization to file it under; the log line keeps the attempt visible.
    context.logger.warn(
      { action: entry.action, errorCode: entry.errorCode },
      'unauthenticated attempt at an audited action',
    );
    return;
  }
  await context.services.audit.append({
    requestId: context.requestId,
    organizationId: entry.organizationId ?? entry.target.organizationId ?? viewer.orgId,
    actorId: viewer.userId,
    actorRole: viewer.role,
    action: entry.action,
    provider: entry.target.provider ?? null,
    accountKey: entry.target.accountKey ?? null,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    arguments: entry.args,
  });
}

/** `provider: SHOPIFY`, or the one key of a @oneOf input such as `{ input: { shopify: ... } }`. */
function targetFromArgs(args: Record<string, unknown>): AuditTarget {
  if (typeof args.provider === 'string') return { provider: fromGraphQLProvider(args.provider) };
  const input = args.input;
  if (input && typeof input === 'object') {
    const key = Object.keys(input).find((k) => Object.hasOwn(providers, k));
    if (key) return { provider: key as ProviderId };
  }
  return {};
}
