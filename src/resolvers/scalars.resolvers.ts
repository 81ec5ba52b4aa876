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
  // Provider timestamps reach here already parsed (the mappers turn one that does not parse into
  // null with a warning), database ones as Date. Anything else is a bug: the TypeError is masked as
  // INTERNAL_SERVER_ERROR and logged with its stack.
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${typeof value} value`);
    return date.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING)
      throw new GatewayError('BAD_USER_INPUT', 'DateTime must be an ISO-8601 string.');
    return parseDate(ast.value);
  },
});
