import { getDirective } from '@graphql-tools/utils';
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

test('Integration is a union of the seven provider types', () => {
  const schema = buildGatewaySchema();
  const union = schema.getType('Integration');
  expect(
    union && 'getTypes' in union
      ? (union as any)
          .getTypes()
          .map((t: any) => t.name)
          .sort()
      : [],
  ).toEqual([
    'KlaviyoIntegration',
    'KustomerIntegration',
    'MessengerIntegration',
    'OpenAIIntegration',
    'ShopifyIntegration',
    'StripeIntegration',
    'WhatsAppIntegration',
  ]);
});
