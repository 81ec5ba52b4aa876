/**
 * Shopify Admin GraphQL shapes (as our documents request them) turned into our schema's shapes:
 * plain data, so webhook workers and jobs can use them too. Fields resolved later (a variant's
 * stock, an order's customer) ask the data source the GraphQL context remembers for the model.
 */
import type { ProviderValues } from '../provider-values';

interface MoneyBag {
  shopMoney: { amount: string; currencyCode: string };
}

export interface RawVariant {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  compareAtPrice: string | null;
  availableForSale: boolean;
  inventoryQuantity: number | null;
  inventoryItem: { id: string } | null;
  product: { id: string } | null;
}

export interface RawProduct {
  id: string;
  title: string;
  handle: string;
  description: string | null;
  vendor: string | null;
  productType: string | null;
  status: string;
  tags: string[];
  totalInventory: number | null;
  onlineStoreUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
  /** Only in lookups by id; lists leave it out (query cost). */
  variants?: { nodes: RawVariant[] };
}

export interface RawOrder {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  statusPageUrl: string | null;
  totalPriceSet: MoneyBag;
  /** Only in lookups by id; lists leave it out (query cost). */
  lineItems?: {
    nodes: Array<{ title: string; quantity: number; sku: string | null; variant: { id: string } | null }>;
  };
  fulfillments: RawFulfillment[];
  customer: { id: string } | null;
}

interface RawFulfillment {
  status: string;
  displayStatus: string | null;
  createdAt: string;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  trackingInfo: Array<{ company: string | null; number: string | null; url: string | null }>;
}

export interface RawCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  email: string | null;
  phone: string | null;
  /** UnsignedInt64: base-10 text up to 2^64 - 1, beyond GraphQL's 32-bit Int. */
  numberOfOrders: string | number;
  tags: string[];
  createdAt: string | null;
  amountSpent: { amount: string; currencyCode: string } | null;
}

export interface RawLocation {
  id: string;
  name: string;
  isActive: boolean;
  address: { city: string | null; countryCode: string | null } | null;
}

export interface RawInventoryItem {
  id: string;
  inventoryLevels: {
    nodes: Array<{ location: RawLocation; quantities: Array<{ name: string; quantity: number }> }>;
  };
}

export interface RawDraftOrder {
  id: string;
  name: string;
  status: string;
  invoiceUrl: string | null;
  email: string | null;
  createdAt: string | null;
  totalPriceSet: MoneyBag | null;
}

export const mapVariant = (v: RawVariant) => ({
  id: v.id,
  title: v.title,
  sku: v.sku,
  price: v.price,
  compareAtPrice: v.compareAtPrice,
  availableForSale: v.availableForSale,
  inventoryQuantity: v.inventoryQuantity,
  inventoryItemId: v.inventoryItem?.id ?? null,
  productId: v.product?.id ?? null,
});
export type ShopifyProductVariantModel = ReturnType<typeof mapVariant>;

// Timestamps are parsed here (Shopify's DateTime is ISO-8601 text) so that one which does not parse
// answers null with a warning rather than failing in the DateTime scalar.
export const mapProduct = (p: RawProduct, v: ProviderValues) => ({
  id: p.id,
  title: p.title,
  handle: p.handle,
  description: p.description,
  vendor: p.vendor,
  productType: p.productType,
  status: p.status,
  tags: p.tags,
  totalInventory: p.totalInventory,
  onlineStoreUrl: p.onlineStoreUrl,
  imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
  createdAt: v.date(p.createdAt, 'Product.createdAt'),
  updatedAt: v.date(p.updatedAt, 'Product.updatedAt'),
  /** Null when the product came from a list: the resolver fetches them by id. */
  variants: p.variants ? p.variants.nodes.map(mapVariant) : null,
});
export type ShopifyProductModel = ReturnType<typeof mapProduct>;

const money = (bag: MoneyBag | null) =>
  bag ? { amount: bag.shopMoney.amount, currencyCode: bag.shopMoney.currencyCode } : null;

const mapFulfillment = (f: RawFulfillment, v: ProviderValues) => ({
  ...f,
  // Non-null in Shopify's schema and ours: a value that does not parse fails only this fulfillment.
  createdAt: v.date(f.createdAt, 'Fulfillment.createdAt'),
  estimatedDeliveryAt: v.date(f.estimatedDeliveryAt, 'Fulfillment.estimatedDeliveryAt'),
  deliveredAt: v.date(f.deliveredAt, 'Fulfillment.deliveredAt'),
});

export const mapOrder = (o: RawOrder, v: ProviderValues) => ({
  id: o.id,
  name: o.name,
  email: o.email,
  phone: o.phone,
  createdAt: v.date(o.createdAt, 'Order.createdAt'),
  processedAt: v.date(o.processedAt, 'Order.processedAt'),
  cancelledAt: v.date(o.cancelledAt, 'Order.cancelledAt'),
  financialStatus: o.displayFinancialStatus,
  fulfillmentStatus: o.displayFulfillmentStatus,
  statusPageUrl: o.statusPageUrl,
  total: money(o.totalPriceSet)!,
  /** Null when the order came from a list: the resolver fetches them by id. */
  lineItems:
    o.lineItems?.nodes.map((li) => ({
      title: li.title,
      quantity: li.quantity,
      sku: li.sku,
      variantId: li.variant?.id ?? null,
    })) ?? null,
  fulfillments: o.fulfillments.map((f) => mapFulfillment(f, v)),
  customerId: o.customer?.id ?? null,
});
export type ShopifyOrderModel = ReturnType<typeof mapOrder>;

export const mapCustomer = (c: RawCustomer, v: ProviderValues) => ({
  id: c.id,
  firstName: c.firstName,
  lastName: c.lastName,
  displayName: c.displayName,
  email: c.email,
  phone: c.phone,
  // UnsignedInt64 arrives as text and may exceed GraphQL's Int: then null, not a failed customer.
  numberOfOrders: v.int(c.numberOfOrders, 'Customer.numberOfOrders'),
  amountSpent: c.amountSpent,
  tags: c.tags,
  createdAt: v.date(c.createdAt, 'Customer.createdAt'),
});
export type ShopifyCustomerModel = ReturnType<typeof mapCustomer>;

export const mapLocation = (l: RawLocation) => ({
  id: l.id,
  name: l.name,
  isActive: l.isActive,
  city: l.address?.city ?? null,
  countryCode: l.address?.countryCode ?? null,
});
export type ShopifyLocationModel = ReturnType<typeof mapLocation>;

export const mapInventoryLevels = (item: RawInventoryItem) =>
  item.inventoryLevels.nodes.map((level) => {
    const quantity = (name: string) => level.quantities.find((q) => q.name === name)?.quantity ?? null;
    return {
      location: mapLocation(level.location),
      available: quantity('available'),
      onHand: quantity('on_hand'),
      committed: quantity('committed'),
      incoming: quantity('incoming'),
    };
  });
export type ShopifyInventoryLevelModel = ReturnType<typeof mapInventoryLevels>[number];

export const mapDraftOrder = (d: RawDraftOrder, v: ProviderValues) => ({
  id: d.id,
  name: d.name,
  status: d.status,
  invoiceUrl: d.invoiceUrl,
  email: d.email,
  createdAt: v.date(d.createdAt, 'DraftOrder.createdAt'),
  total: money(d.totalPriceSet),
});
export type ShopifyDraftOrderModel = ReturnType<typeof mapDraftOrder>;
