import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLEnumType, GraphQLInputObjectType, GraphQLUnionType } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { providers } from '../src/datasources/registry';
import { buildGatewaySchema } from '../src/graphql/schema';

/**
 * Every mutation must either be audited or say why not (STYLE.md habit 6): a new mutation that
 * forgets fails here, not in an incident review.
 */
test('every mutation carries @audit(action:) or @noAudit(reason:)', () => {
  const schema = buildGatewaySchema();
  const mutation = schema.getMutationType();
  expect(mutation).toBeDefined();
  const unaudited = Object.values(mutation!.getFields()).filter((field) => {
    const audit = getDirective(schema, field, 'audit')?.[0];
    const noAudit = getDirective(schema, field, 'noAudit')?.[0];
    return !(audit?.action || (noAudit?.reason && String(noAudit.reason).trim().length > 10));
  });
  expect(unaudited.map((f) => f.name)).toEqual([]);
  expect(Object.keys(mutation!.getFields())).toEqual(
    expect.arrayContaining([
      'connectIntegration',
      'disconnectIntegration',
      'testIntegration',
      'createShopifyDraftOrder',
    ]),
  );
});

test('every root field requires authentication', () => {
  const schema = buildGatewaySchema();
  for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
    const onType = getDirective(schema, root, 'auth')?.[0];
    for (const field of Object.values(root.getFields())) {
      expect(getDirective(schema, field, 'auth')?.[0] ?? onType).toBeDefined();
    }
  }
});

test("the schema's provider enum, union and connect input are exactly the registry's providers", () => {
  const schema = buildGatewaySchema();
  const union = schema.getType('Integration') as GraphQLUnionType;
  const providerEnum = schema.getType('Provider') as GraphQLEnumType;
  const input = schema.getType('ConnectIntegrationInput') as GraphQLInputObjectType;
  const ids = Object.keys(providers);
  expect(
    union
      .getTypes()
      .map((t) => t.name)
      .sort(),
  ).toEqual(
    Object.values(providers)
      .map((p) => p.typename)
      .sort(),
  );
  expect(
    providerEnum
      .getValues()
      .map((v) => v.name)
      .sort(),
  ).toEqual(ids.map((id) => id.toUpperCase()).sort());
  expect(Object.keys(input.getFields()).sort()).toEqual([...ids].sort());
  expect(input.isOneOf).toBe(true);
});

test('every provider in the registry has its own SDL and resolvers file, by name', () => {
  for (const id of Object.keys(providers)) {
    expect(fs.existsSync(path.join(__dirname, '..', 'schema', 'providers', `${id}.graphql`))).toBe(true);
    expect(fs.existsSync(path.join(__dirname, '..', 'src', 'resolvers', `${id}.resolvers.ts`))).toBe(true);
  }
});
