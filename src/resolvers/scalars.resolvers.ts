import { GraphQLScalarType, Kind } from 'graphql';
import { GatewayError } from '../errors/gateway-error';

/** ISO-8601 in UTC out; ISO-8601 in. PostgreSQL `timestamp` columns arrive as Date, providers send strings. */
function parseDate(value: unknown): Date {
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new GatewayError('BAD_USER_INPUT', 'DateTime must be ISO-8601.');
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GatewayError('INTERNAL_SERVER_ERROR');
    return date.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING)
      throw new GatewayError('BAD_USER_INPUT', 'DateTime must be an ISO-8601 string.');
    return parseDate(ast.value);
  },
});
