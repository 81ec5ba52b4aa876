import { GraphQLError } from 'graphql';
import type { GatewayError } from '../errors/gateway-error';

/**
 * A domain error as graphql-js and Apollo want it where they need a GraphQLError itself (validation
 * rules, context creation); resolvers simply throw the domain error. formatError finds the
 * GatewayError again through `originalError`.
 */
export function toGraphQLError(error: GatewayError): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions, originalError: error });
}
