/**
 * Every document the gateway sends to Shopify's Admin GraphQL API (2025-01 schema in
 * ../shared/contracts/shopify). Tests validate each one against that schema; keep them static so
 * they can be checked without running.
 */

const MONEY = `fragment Money on MoneyBag { shopMoney { amount currencyCode } }`;

const VARIANT_FIELDS = `
fragment VariantFields on ProductVariant {
  id title sku price compareAtPrice availableForSale inventoryQuantity
  inventoryItem { id }
  product { id }
}`;

const PRODUCT_FIELDS = `
fragment ProductFields on Product {
  id title handle description vendor productType status tags totalInventory onlineStoreUrl createdAt updatedAt
  featuredMedia { preview { image { url } } }
  variants(first: $variantsFirst) { nodes { ...VariantFields } }
}
${VARIANT_FIELDS}`;

const ORDER_FIELDS = `
fragment OrderFields on Order {
  id name email phone createdAt processedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus statusPageUrl
  totalPriceSet { ...Money }
  lineItems(first: 50) { nodes { title quantity sku variant { id } } }
  fulfillments(first: 20) {
    status displayStatus createdAt estimatedDeliveryAt deliveredAt
    trackingInfo(first: 10) { company number url }
  }
  customer { id }
}
${MONEY}`;

const CUSTOMER_FIELDS = `
fragment CustomerFields on Customer {
  id firstName lastName displayName email phone numberOfOrders tags createdAt
  amountSpent { amount currencyCode }
}`;

const DRAFT_ORDER_FIELDS = `
fragment DraftOrderFields on DraftOrder {
  id name status invoiceUrl email createdAt
  totalPriceSet { ...Money }
}
${MONEY}`;

const PAGE_INFO = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

export const PRODUCTS = `
query Products($first: Int!, $after: String, $query: String, $variantsFirst: Int!) {
  products(first: $first, after: $after, query: $query) { edges { cursor node { ...ProductFields } } ${PAGE_INFO} }
}
${PRODUCT_FIELDS}`;

export const ORDERS = `
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {
    edges { cursor node { ...OrderFields } } ${PAGE_INFO}
  }
}
${ORDER_FIELDS}`;

export const CUSTOMERS = `
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query) { edges { cursor node { ...CustomerFields } } ${PAGE_INFO} }
}
${CUSTOMER_FIELDS}`;

export const CUSTOMER_ORDERS = `
query CustomerOrders($id: ID!, $first: Int!) {
  customer(id: $id) { id orders(first: $first, sortKey: CREATED_AT, reverse: true) { nodes { ...OrderFields } } }
}
${ORDER_FIELDS}`;

export const LOCATIONS = `
query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after) {
    edges { cursor node { id name isActive address { city countryCode } } } ${PAGE_INFO}
  }
}`;

export const DRAFT_ORDERS = `
query DraftOrders($first: Int!, $after: String, $query: String) {
  draftOrders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT, reverse: true) {
    edges { cursor node { ...DraftOrderFields } } ${PAGE_INFO}
  }
}
${DRAFT_ORDER_FIELDS}`;

/**
 * One round trip for any mix of ids (products, variants, orders, customers, inventory items): the
 * DataLoaders of a request collect ids and send them here together.
 */
export const NODES = `
query Nodes($ids: [ID!]!, $variantsFirst: Int!) {
  nodes(ids: $ids) {
    __typename
    ... on Product { ...ProductFields }
    ... on ProductVariant { ...VariantFields }
    ... on Order { ...OrderFields }
    ... on Customer { ...CustomerFields }
    ... on InventoryItem {
      id
      inventoryLevels(first: 50) {
        nodes {
          location { id name isActive address { city countryCode } }
          quantities(names: ["available", "on_hand", "committed", "incoming"]) { name quantity }
        }
      }
    }
  }
}
${PRODUCT_FIELDS}
${ORDER_FIELDS}
${CUSTOMER_FIELDS}`;

export const DRAFT_ORDER_CREATE = `
mutation DraftOrderCreate($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { ...DraftOrderFields }
    userErrors { field message }
  }
}
${DRAFT_ORDER_FIELDS}`;

/** testIntegration: the cheapest authenticated read. */
export const SHOP = `query Shop { shop { id name myshopifyDomain } }`;

export const ALL_DOCUMENTS = {
  PRODUCTS,
  ORDERS,
  CUSTOMERS,
  CUSTOMER_ORDERS,
  LOCATIONS,
  DRAFT_ORDERS,
  NODES,
  DRAFT_ORDER_CREATE,
  SHOP,
};
