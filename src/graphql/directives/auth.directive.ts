import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { ROLE_RANK, type RoleValue } from '../../auth/viewer';
import { GatewayError } from '../../errors/gateway-error';
import type { GatewayContext } from '../context';

const ROLE_FROM_ENUM: Record<string, RoleValue> = {
  MEMBER: 'member',
  ADMIN: 'admin',
  PLATFORM_ADMIN: 'platform_admin',
};

/** Throws unless the request carries a verified viewer of at least `required` role. */
export function assertRole(context: GatewayContext, required: RoleValue): void {
  if (!context.viewer) throw context.authError ?? new GatewayError('UNAUTHENTICATED');
  if (ROLE_RANK[context.viewer.role] < ROLE_RANK[required]) {
    throw new GatewayError(
      'FORBIDDEN',
      `This needs the ${required} role; the token has ${context.viewer.role}.`,
    );
  }
}

/**
 * `@auth(requires:)` as a schema transformer. Only fields that carry the directive, or whose type
 * does, are wrapped: the rest of the schema pays nothing.
 */
export function authDirectiveTransformer(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) => {
      const onField = getDirective(schema, field, 'auth')?.[0];
      const type = schema.getType(typeName);
      const onType = type ? getDirective(schema, type, 'auth')?.[0] : undefined;
      const directive = onField ?? onType;
      if (!directive) return field;
      const required = ROLE_FROM_ENUM[String(directive.requires ?? 'MEMBER')] ?? 'member';
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args, context: GatewayContext, info) {
          assertRole(context, required);
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
