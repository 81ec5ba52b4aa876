import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayContext } from './context';
import { toGraphQLError } from './graphql-error';

/** Directives in one document: enough for @skip/@include on every field a client selects. */
const MAX_DIRECTIVES = 50;

/**
 * graphql-armor where it replaces rules we would otherwise write: field suggestions ("Did you mean
 * …?") masked in production, where they let anyone map a schema whose introspection is off; and a
 * directive count (a document of thousands of `@include` is work for every validation rule). Depth,
 * fields and aliases stay in complexity.rule.ts: one fragment-expanding walk shared with graphql-ws,
 * answering QUERY_TOO_COMPLEX; armor's cost limit knows nothing of list sizes or provider calls,
 * which upstream-cost.ts counts.
 */
export function armorProtection(options: { production: boolean }): {
  plugins: ApolloServerPlugin<GatewayContext>[];
  validationRules: ValidationRule[];
} {
  const tooComplex = (context: ValidationContext | null) =>
    context?.reportError(
      toGraphQLError(
        new GatewayError(
          'QUERY_TOO_COMPLEX',
          `The operation is too complex: more than ${MAX_DIRECTIVES} directives.`,
        ),
      ),
    );
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: options.production },
    maxDirectives: { n: MAX_DIRECTIVES, propagateOnRejection: false, onReject: [tooComplex] },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    maxAliases: { enabled: false },
    maxDepth: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins as ApolloServerPlugin<GatewayContext>[],
    validationRules: armor.validationRules,
  };
}

/** graphql-armor's mask, for the graphql-ws path where Apollo's plugins do not run. */
const SUGGESTION = /Did you mean ".+"/g;
const MASK = '[Suggestion hidden]';

/**
 * Validation errors as the HTTP path answers them (Apollo adds the code there): with
 * GRAPHQL_VALIDATION_FAILED, so formatError passes them on rather than masking them, and without
 * field suggestions in production, as armor's plugin rewrites them on HTTP.
 */
export function asValidationErrors(
  errors: readonly GraphQLError[],
  options: { production: boolean },
): GraphQLError[] {
  return errors.map((error) => {
    const hide = options.production && error.message.includes('Did you mean');
    if (error.extensions.code && !hide) return error;
    return new GraphQLError(hide ? error.message.replace(SUGGESTION, MASK) : error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions },
    });
  });
}
