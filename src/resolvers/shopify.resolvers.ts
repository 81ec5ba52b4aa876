import type { ShopifyDataSource } from '../datasources/shopify/shopify.datasource';
import type { IntegrationRow } from '../db/integrations.repo';
import type { GatewayContext } from '../graphql/context';
import type {
  MutationResolvers,
  Resolvers,
  ShopifyCustomerResolvers,
  ShopifyIntegrationResolvers,
  ShopifyOrderResolvers,
  ShopifyProductResolvers,
  ShopifyProductVariantResolvers,
} from '../generated/graphql';
import { actOnOwnIntegration } from './own-integration';
import { identifierField, integrationCommonFields } from './integration.resolvers';

type Read<R> = (store: ShopifyDataSource) => R | Promise<R>;
/** Reads from the row's store; nested fields of what it returns read from the same store. */
const fromStore = <R>(row: IntegrationRow, context: GatewayContext, read: Read<R>) =>
  context.fromIntegration(row, read);
/** Reads from the store a model came from. */
const fromStoreOf = <R>(model: object, context: GatewayContext, read: Read<R>) =>
  context.fromSourceOf(model, read);

export const ShopifyIntegration: ShopifyIntegrationResolvers = {
  ...integrationCommonFields,
  storeName: identifierField('storeName'),
  products: (row, args, context) => fromStore(row, context, (s) => s.products(args)),
  product: (row, { id }, context) => fromStore(row, context, (s) => s.product(id)),
  productVariant: (row, { id }, context) => fromStore(row, context, (s) => s.productVariant(id)),
  orders: (row, args, context) => fromStore(row, context, (s) => s.orders(args)),
  order: (row, args, context) => fromStore(row, context, (s) => s.order(args)),
  customers: (row, args, context) => fromStore(row, context, (s) => s.customers(args)),
  customer: (row, { id }, context) => fromStore(row, context, (s) => s.customer(id)),
  locations: (row, args, context) => fromStore(row, context, (s) => s.locations(args)),
  draftOrders: (row, args, context) => fromStore(row, context, (s) => s.draftOrders(args)),
  cartLink: (row, { lines }, context) => fromStore(row, context, (s) => s.cartLink(lines)),
};

export const ShopifyProduct: ShopifyProductResolvers = {
  async variants(product, { first }, context) {
    const variants =
      product.variants ?? (await fromStoreOf(product, context, (s) => s.productVariants(product.id)));
    return variants.slice(0, Math.max(0, first ?? 50));
  },
};

export const ShopifyProductVariant: ShopifyProductVariantResolvers = {
  inventoryLevels: (variant, _args, context) =>
    variant.inventoryItemId
      ? fromStoreOf(variant, context, (s) => s.inventoryLevels(variant.inventoryItemId!))
      : [],
  product: (variant, _args, context) =>
    variant.productId ? fromStoreOf(variant, context, (s) => s.product(variant.productId!)) : null,
};

export const ShopifyOrder: ShopifyOrderResolvers = {
  lineItems: (order, _args, context) =>
    order.lineItems ?? fromStoreOf(order, context, (s) => s.orderLineItems(order.id)),
  customer: (order, _args, context) =>
    order.customerId ? fromStoreOf(order, context, (s) => s.customer(order.customerId!)) : null,
};

export const ShopifyCustomer: ShopifyCustomerResolvers = {
  orders: (customer, { first }, context) =>
    fromStoreOf(customer, context, (s) => s.customerOrders(customer.id, first ?? 10)),
};

export const ShopifyMutation: Pick<MutationResolvers, 'createShopifyDraftOrder'> = {
  createShopifyDraftOrder: (_source, { input }, context) =>
    actOnOwnIntegration(context, 'shopify', (row) =>
      fromStore(row, context, async (s) => ({ draftOrder: await s.createDraftOrder(input) })),
    ),
};

/** Shopify's resolvers, collected through the registry (src/resolvers/index.ts). */
export const resolvers: Resolvers = {
  ShopifyIntegration,
  ShopifyProduct,
  ShopifyProductVariant,
  ShopifyOrder,
  ShopifyCustomer,
  Mutation: ShopifyMutation,
};
