import {
  Kind,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { buildGatewaySchema } from '../../src/graphql/schema';
import { UpstreamCostEstimator } from '../../src/graphql/upstream-cost';
import { providerBudgets } from '../../src/graphql/upstream-cost.plugin';

const schema = buildGatewaySchema();
const estimator = new UpstreamCostEstimator(schema);

function estimate(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return estimator.estimate(document, operation, variables);
}

const shop = (fields: string) =>
  `{ organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration { ${fields} } } } }`;

describe('the estimate', () => {
  test("the issue's five levels: each child's calls multiplied by the list sizes above it", () => {
    const five = shop(`orders { edges { node { customer { orders { customer { orders { id } } } } } } }`);
    expect(estimate(five)).toEqual({ total: 242, byProvider: { SHOPIFY: 242 } });
  });

  test('batched fields cost one call per batch of each list; unbatched ones one per parent', () => {
    // orders 1; customers of 20 orders in one nodes(ids:) call.
    expect(estimate(shop(`orders { edges { node { customer { id } } } }`)).total).toBe(2);
    // products 1; variants come with products by id, 5 a call: 2; 10 lists of 50 variants:
    // inventory 8 a call → 10 × 7; their products 5 a call → 10 × 10.
    expect(
      estimate(
        shop(
          `products(first: 10) { edges { node { variants { inventoryLevels { available } product { id } } } } }`,
        ),
      ).total,
    ).toBe(1 + 2 + 70 + 100);
    // One customer's orders is one call whatever the page size.
    expect(estimate(shop(`customer(id: "1") { orders(first: 100) { id } }`)).total).toBe(2);
  });

  test('variables, explicit null (the maximum), @skip/@include and fields without a cost', () => {
    const query = `query($n: Int, $skip: Boolean!) { organization { integration(provider: SHOPIFY) { ... on ShopifyIntegration {
      customers(first: $n) { edges { node { orders @skip(if: $skip) { id } } } } cartLink(lines: []) storeName } } } }`;
    expect(estimate(query, { n: 7, skip: false }).total).toBe(8);
    expect(estimate(query, { n: 7, skip: true }).total).toBe(1);
    expect(estimate(query, { n: null, skip: false }).total).toBe(101);
    // A size above the page cap is refused by the data source before any call: counted at the cap.
    expect(estimate(query, { n: 5000, skip: false }).total).toBe(101);
  });

  test('each provider is priced through its own integration; the list of integrations counts one item per provider', () => {
    const all = `{ organization { integrations {
      ... on ShopifyIntegration { orders(first: 5) { edges { node { id } } } }
      ... on KlaviyoIntegration { lists { edges { node { profiles(first: 3) { edges { node { id } } } } } } }
      ... on KustomerIntegration { customer(email: "a@b.co") { conversations(first: 4) { edges { node { messages { edges { node { id } } } } } } } }
      ... on WhatsAppIntegration { sender { __typename } }
    } } }`;
    expect(estimate(all).byProvider).toEqual({ SHOPIFY: 1, KLAVIYO: 11, KUSTOMER: 6, WHATSAPP: 2 });
  });

  test("another organization's integration never shares a batch: the support view's list counts each one", () => {
    const support = `{ supportAttention(first: 30) { integration { ... on ShopifyIntegration { order(id: "1") { customer { id } } } } } }`;
    expect(estimate(support).total).toBe(30 + 30);
  });

  test('a mutation costs its own call', () => {
    expect(
      estimate(
        `mutation { createShopifyDraftOrder(input: { lineItems: [{ variantId: "1", quantity: 1 }] }) { draftOrder { id } } }`,
      ).byProvider,
    ).toEqual({ SHOPIFY: 1 });
  });
});

describe('the schema declares what the estimate needs', () => {
  const types = Object.values(schema.getTypeMap()).filter(
    (t) => isObjectType(t) && !t.name.startsWith('__'),
  ) as Array<Extract<GraphQLNamedType, { getFields: unknown }>>;
  const hasCost = (field: GraphQLField<unknown, unknown>) => !!getDirective(schema, field, 'cost')?.[0];
  const sized = (field: GraphQLField<unknown, unknown>) => !!getDirective(schema, field, 'listSize')?.[0];
  const isList = (type: GraphQLOutputType) => isListType(isNonNullType(type) ? type.ofType : type);

  /** Whether selecting below objects of `type` can reach a field with @cost. */
  const costly = new Map<string, boolean>();
  function reachesCost(type: GraphQLNamedType): boolean {
    const known = costly.get(type.name);
    if (known !== undefined) return known;
    costly.set(type.name, false); // cycles: decided by the other fields
    const possible = isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
    const result = possible.some((object) =>
      Object.values(object.getFields()).some(
        (f) => hasCost(f as GraphQLField<unknown, unknown>) || reachesCost(getNamedType(f.type)),
      ),
    );
    costly.set(type.name, result);
    return result;
  }

  /** Fields returning each type: a connection's lists are sized by the field returning the connection. */
  const returning = new Map<string, Array<GraphQLField<unknown, unknown>>>();
  for (const type of types)
    for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
      const name = getNamedType(field.type).name;
      returning.set(name, [...(returning.get(name) ?? []), field]);
    }

  test('every list with a provider call below it has a size bound (@listSize, or a sized connection)', () => {
    const unsized: string[] = [];
    for (const type of types) {
      for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        if (!isList(field.type) || sized(field) || !reachesCost(getNamedType(field.type))) continue;
        const parents = returning.get(type.name) ?? [];
        if (type.name.endsWith('Connection') && parents.length > 0 && parents.every(sized)) continue;
        unsized.push(`${type.name}.${field.name}`);
      }
    }
    expect(unsized).toEqual([]);
  });

  test("every provider field with a @rateLimit bucket has a @cost, and each provider's budget is its bucket", () => {
    const missing: string[] = [];
    for (const type of types)
      for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        const limit = getDirective(schema, field, 'rateLimit')?.[0];
        if (limit && !hasCost(field)) missing.push(`${type.name}.${field.name}`);
      }
    expect(missing).toEqual([]);
    const budgets = Object.fromEntries([...providerBudgets(schema)].map(([p, r]) => [p, r.bucket]));
    expect(budgets).toEqual({
      SHOPIFY: 'shopify',
      KLAVIYO: 'klaviyo',
      KUSTOMER: 'kustomer',
      WHATSAPP: 'twilio',
    });
  });
});
