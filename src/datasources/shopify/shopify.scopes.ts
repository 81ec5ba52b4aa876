import type { ProviderScopes } from '../../services/provider-scopes';
import type { ShopifyDataSource } from './shopify.datasource';

/**
 * Shopify access scopes, as data. `requested` is the seed's list (what the platform admin selects
 * for the app); `features` is what each feature of this gateway needs, so the difference is what a
 * least-privilege app can leave out. https://shopify.dev/docs/api/usage/access-scopes
 */
export const shopifyScopes: ProviderScopes<ShopifyDataSource> = {
  noun: 'access scope',
  requested: [
    'read_products',
    'write_products',
    'read_orders',
    'write_orders',
    'read_customers',
    'write_customers',
    'read_inventory',
    'write_inventory',
    'read_locations',
    'read_draft_orders',
    'write_draft_orders',
  ],
  features: {
    'Product lookup': ['read_products'],
    'Order tracking': ['read_orders'],
    'Customer information': ['read_customers'],
    'Inventory checks': ['read_inventory', 'read_locations'],
    'Draft orders': ['read_draft_orders', 'write_draft_orders'],
    'Add to cart links': ['read_products'],
  },
  // Admin GraphQL `currentAppInstallation { accessScopes { handle } }` (contracts/shopify).
  read: (dataSource) => dataSource.grantedScopes(),
  grantHint:
    "add it to the gateway's Shopify app (Partner Dashboard → the app → Configuration → access scopes) and have the store reinstall or update the app",
};

/**
 * The scopes each document the gateway sends needs (shopify.queries.ts, by operation name). A call
 * whose scope the installation lacks is refused before it is sent (ShopifyClient.beforeCall). The
 * shop itself, the installation's scopes and the shop's metafields need none.
 */
export const OPERATION_SCOPES: Readonly<Record<string, readonly string[]>> = {
  Products: ['read_products'],
  ProductsById: ['read_products'],
  VariantsById: ['read_products'],
  Orders: ['read_orders'],
  OrdersById: ['read_orders'],
  CustomerOrders: ['read_customers', 'read_orders'],
  Customers: ['read_customers'],
  CustomersById: ['read_customers'],
  Locations: ['read_locations'],
  InventoryByItemId: ['read_inventory', 'read_locations'],
  DraftOrders: ['read_draft_orders'],
  DraftOrderCreate: ['write_draft_orders'],
  Shop: [],
  AppScopes: [],
  ClaimToken: [],
};

/** The operation name of a document: `query Orders(...)` → `Orders`. */
export function operationName(document: string): string | undefined {
  return /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document)?.[1];
}
