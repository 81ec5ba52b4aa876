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

const shopify = (row: IntegrationRow, context: GatewayContext) => context.dataSource<ShopifyDataSource>(row);

export const ShopifyIntegration: ShopifyIntegrationResolvers = {
  ...integrationCommonFields,
  storeName: identifierField('storeName'),
  products: (row, args, context) => shopify(row, context).products(args),
  product: (row, { id }, context) => shopify(row, context).product(id),
  productVariant: (row, { id }, context) => shopify(row, context).productVariant(id),
  orders: (row, args, context) => shopify(row, context).orders(args),
  order: (row, args, context) => shopify(row, context).order(args),
  customers: (row, args, context) => shopify(row, context).customers(args),
  customer: (row, { id }, context) => shopify(row, context).customer(id),
  locations: (row, args, context) => shopify(row, context).locations(args),
  draftOrders: (row, args, context) => shopify(row, context).draftOrders(args),
  cartLink: (row, { lines }, context) => shopify(row, context).cartLink(lines),
};

export const ShopifyProduct: ShopifyProductResolvers = {
  async variants(product, { first }) {
    const variants = product.variants ?? (await product.source.productVariants(product.id));
    return variants.slice(0, Math.max(0, first ?? 50));
  },
};

export const ShopifyProductVariant: ShopifyProductVariantResolvers = {
  inventoryLevels: (variant) =>
    variant.inventoryItemId ? variant.source.inventoryLevels(variant.inventoryItemId) : [],
  product: (variant) => (variant.productId ? variant.source.product(variant.productId) : null),
};

export const ShopifyOrder: ShopifyOrderResolvers = {
  lineItems: (order) => order.lineItems ?? order.source.orderLineItems(order.id),
  customer: (order) => (order.customerId ? order.source.customer(order.customerId) : null),
};

export const ShopifyCustomer: ShopifyCustomerResolvers = {
  orders: (customer, { first }) => customer.source.customerOrders(customer.id, first ?? 10),
};

export const ShopifyMutation: Pick<MutationResolvers, 'createShopifyDraftOrder'> = {
  createShopifyDraftOrder: (_source, { input }, context) =>
    actOnOwnIntegration(context, 'shopify', async (row) => ({
      draftOrder: await shopify(row, context).createDraftOrder(input),
    })),
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
