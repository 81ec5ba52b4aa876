/**
 * Every document the gateway sends to Shopify's Admin GraphQL API (2025-01 schema in
 * contracts/shopify). Tests validate each one against that schema; keep them static so
 * they can be checked without running.
 */

const MONEY = `fragment Money on MoneyBag { shopMoney { amount currencyCode } }`;

const VARIANT_FIELDS = `
fragment VariantFields on ProductVariant {
  id title sku price compareAtPrice availableForSale inventoryQuantity
  inventoryItem { id }
  product { id }
}`;

// Lists leave out nested connections: Shopify refuses a query whose requested cost exceeds 1,000
// points, and a page of products with 50 variants each would. Variants and line items are fetched
// by id, in batches sized to stay under that ceiling.
const PRODUCT_FIELDS = `
fragment ProductFields on Product {
  id title handle description vendor productType status tags totalInventory onlineStoreUrl createdAt updatedAt
  featuredMedia { preview { image { url } } }
}`;

const ORDER_FIELDS = `
fragment OrderFields on Order {
  id name email phone createdAt processedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus statusPageUrl
  totalPriceSet { ...Money }
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
query Products($first: Int!, $after: String, $query: String) {
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
 * Lookups by id, one document per type: the DataLoaders of a request collect ids of a type and send
 * them together through `nodes(ids:)`. Batch sizes (shopify.datasource.ts) keep each under the
 * 1,000-point cost ceiling.
 */
export const PRODUCTS_BY_ID = `
query ProductsById($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Product { ...ProductFields variants(first: 50) { nodes { ...VariantFields } } }
  }
}
${PRODUCT_FIELDS}
${VARIANT_FIELDS}`;

export const VARIANTS_BY_ID = `
query VariantsById($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { ...VariantFields } }
}
${VARIANT_FIELDS}`;

export const ORDERS_BY_ID = `
query OrdersById($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order { ...OrderFields lineItems(first: 50) { nodes { title quantity sku variant { id } } } }
  }
}
${ORDER_FIELDS}`;

export const CUSTOMERS_BY_ID = `
query CustomersById($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Customer { ...CustomerFields } }
}
${CUSTOMER_FIELDS}`;

export const INVENTORY_BY_ITEM_ID = `
query InventoryByItemId($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevels(first: 20) {
        nodes {
          location { id name isActive address { city countryCode } }
          quantities(names: ["available", "on_hand", "committed", "incoming"]) { name quantity }
        }
      }
    }
  }
}`;

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

/** testIntegration: the access scopes this app's installation on the store was granted. */
export const APP_SCOPES = `query AppScopes { currentAppInstallation { accessScopes { handle } } }`;

/**
 * The claim proof (services/account-claims.ts): a value only someone who runs the store can set, in
 * the shop metafield the gateway names.
 */
export const CLAIM_TOKEN = `
query ClaimToken($namespace: String!, $key: String!) {
  shop { metafield(namespace: $namespace, key: $key) { value } }
}`;

export const ALL_DOCUMENTS = {
  PRODUCTS,
  ORDERS,
  CUSTOMERS,
  CUSTOMER_ORDERS,
  LOCATIONS,
  DRAFT_ORDERS,
  PRODUCTS_BY_ID,
  VARIANTS_BY_ID,
  ORDERS_BY_ID,
  CUSTOMERS_BY_ID,
  INVENTORY_BY_ITEM_ID,
  DRAFT_ORDER_CREATE,
  SHOP,
  APP_SCOPES,
  CLAIM_TOKEN,
};
