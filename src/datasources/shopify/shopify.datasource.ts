import DataLoader from 'dataloader';
import { GatewayError } from '../../errors/gateway-error';
import { email } from '../contact-rules';
import { freeText, printable } from '../input-rules';
import {
  cursorCodec,
  pageSize,
  relayConnection,
  type Connection,
  type PageArgs as BasePageArgs,
} from '../paging';
import type { ProviderValues } from '../provider-values';
import type { ShopifyClient } from './shopify.client';
import { toGid, numericId } from './shopify.ids';
import * as Q from './shopify.queries';
import {
  mapCustomer,
  mapDraftOrder,
  mapInventoryLevels,
  mapLocation,
  mapOrder,
  mapProduct,
  mapVariant,
  type RawCustomer,
  type RawDraftOrder,
  type RawInventoryItem,
  type RawLocation,
  type RawOrder,
  type RawProduct,
  type RawVariant,
} from './shopify.mapper';

export interface PageArgs extends BasePageArgs {
  /** Shopify's search syntax. */
  query?: string | null;
}

/** Shopify's own cap is 250 per page; we keep a page small enough to answer fast. */
const MAX_PAGE = 100;

/**
 * Ids per `nodes(ids:)` call, by document: each batch's requested cost (objects 1, connections
 * 2 + page size × node cost) stays under Shopify's 1,000-point single-query ceiling.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
const BATCH = { products: 5, variants: 100, orders: 8, customers: 100, inventory: 8 } as const;

/** A DataLoader over `nodes(ids:)` for one document; unknown ids and wrong types load as null. */
function nodeLoader<T>(client: ShopifyClient, document: string, typename: string, maxBatchSize: number) {
  return new DataLoader<string, T | null>(
    async (ids) => {
      const data = await client.execute<{ nodes: Array<(T & { id?: string }) | null> }>(
        document,
        { ids },
        'query',
      );
      return ids.map((_, i) => {
        const node = data.nodes[i];
        return node && node.id && node.id.startsWith(`gid://shopify/${typename}/`) ? node : null;
      });
    },
    { maxBatchSize },
  );
}

/** Shopify's own cursors, wrapped so a cursor from another connection is refused here. */
const cursors = cursorCodec('shopify');

function pageVariables(args: PageArgs) {
  // The search is the caller's own Shopify query (quotes are its syntax), sent as a variable.
  return {
    first: pageSize(args.first, MAX_PAGE),
    after: args.after == null ? null : cursors.decode(args.after),
    query: args.query == null ? null : printable(args.query, 'query'),
  };
}

/**
 * One organization's Shopify store, for the duration of one GraphQL request. Lookups by id go
 * through a DataLoader onto `nodes(ids:)`, so a list of 20 orders with their customers costs two
 * Shopify calls, not twenty-one.
 */
export class ShopifyDataSource {
  private readonly productsById;
  private readonly variantsById;
  private readonly ordersById;
  private readonly customersById;
  private readonly inventoryById;

  constructor(
    private readonly client: ShopifyClient,
    readonly storeName: string,
    /** Reads values Shopify types more loosely than our schema; one per request, like this data source. */
    private readonly values: ProviderValues,
  ) {
    this.productsById = nodeLoader<RawProduct>(client, Q.PRODUCTS_BY_ID, 'Product', BATCH.products);
    this.variantsById = nodeLoader<RawVariant>(client, Q.VARIANTS_BY_ID, 'ProductVariant', BATCH.variants);
    this.ordersById = nodeLoader<RawOrder>(client, Q.ORDERS_BY_ID, 'Order', BATCH.orders);
    this.customersById = nodeLoader<RawCustomer>(client, Q.CUSTOMERS_BY_ID, 'Customer', BATCH.customers);
    this.inventoryById = nodeLoader<RawInventoryItem>(
      client,
      Q.INVENTORY_BY_ITEM_ID,
      'InventoryItem',
      BATCH.inventory,
    );
  }

  async products(args: PageArgs) {
    const data = await this.client.execute<{ products: Connection<RawProduct> }>(
      Q.PRODUCTS,
      pageVariables(args),
      'query',
    );
    return relayConnection(cursors, data.products, (n) => mapProduct(n, this.values));
  }

  async product(id: string) {
    const node = await this.productsById.load(toGid('Product', id));
    return node ? mapProduct(node, this.values) : null;
  }

  async productVariant(id: string) {
    const node = await this.variantsById.load(toGid('ProductVariant', id));
    return node ? mapVariant(node) : null;
  }

  async inventoryLevels(inventoryItemId: string) {
    const node = await this.inventoryById.load(toGid('InventoryItem', inventoryItemId));
    return node ? mapInventoryLevels(node) : [];
  }

  async orders(args: PageArgs) {
    const data = await this.client.execute<{ orders: Connection<RawOrder> }>(
      Q.ORDERS,
      pageVariables(args),
      'query',
    );
    return relayConnection(cursors, data.orders, (n) => mapOrder(n, this.values));
  }

  /** Order tracking: by id, or by the name the shopper knows (#1001). */
  async order(args: { id?: string | null; name?: string | null }) {
    if (args.id) {
      const node = await this.ordersById.load(toGid('Order', args.id));
      return node ? mapOrder(node, this.values) : null;
    }
    if (args.name) {
      const name = printable(args.name, 'name').trim();
      if (!/^#?[A-Za-z0-9-]{1,40}$/.test(name)) {
        throw new GatewayError('BAD_USER_INPUT', 'name must be an order name such as #1001.');
      }
      const normalized = name.startsWith('#') ? name : `#${name}`;
      const page = await this.orders({ first: 1, query: `name:${JSON.stringify(normalized)}` });
      return page.edges.find((e) => e.node.name === normalized)?.node ?? null;
    }
    throw new GatewayError('BAD_USER_INPUT', 'Give an order id or an order name.');
  }

  /** Variants of a product that came from a list (lists leave them out). */
  async productVariants(productId: string) {
    return (await this.product(productId))?.variants ?? [];
  }

  /** Line items of an order that came from a list (lists leave them out). */
  async orderLineItems(orderId: string) {
    return (await this.order({ id: orderId }))?.lineItems ?? [];
  }

  async customers(args: PageArgs) {
    const data = await this.client.execute<{ customers: Connection<RawCustomer> }>(
      Q.CUSTOMERS,
      pageVariables(args),
      'query',
    );
    return relayConnection(cursors, data.customers, (n) => mapCustomer(n, this.values));
  }

  async customer(id: string) {
    const node = await this.customersById.load(toGid('Customer', id));
    return node ? mapCustomer(node, this.values) : null;
  }

  async customerOrders(customerId: string, first: number) {
    const { first: checked } = pageVariables({ first });
    const data = await this.client.execute<{ customer: { orders: { nodes: RawOrder[] } } | null }>(
      Q.CUSTOMER_ORDERS,
      { id: toGid('Customer', customerId), first: checked },
      'query',
    );
    return data.customer?.orders.nodes.map((n) => mapOrder(n, this.values)) ?? [];
  }

  async locations(args: PageArgs) {
    const { first, after } = pageVariables(args);
    const data = await this.client.execute<{ locations: Connection<RawLocation> }>(
      Q.LOCATIONS,
      { first, after },
      'query',
    );
    return relayConnection(cursors, data.locations, mapLocation);
  }

  async draftOrders(args: PageArgs) {
    const data = await this.client.execute<{ draftOrders: Connection<RawDraftOrder> }>(
      Q.DRAFT_ORDERS,
      pageVariables(args),
      'query',
    );
    return relayConnection(cursors, data.draftOrders, (n) => mapDraftOrder(n, this.values));
  }

  async createDraftOrder(input: {
    lineItems: Array<{ variantId: string; quantity: number }>;
    customerId?: string | null;
    email?: string | null;
    note?: string | null;
  }) {
    if (input.lineItems.length === 0 || input.lineItems.length > 100) {
      throw new GatewayError('BAD_USER_INPUT', 'A draft order needs between 1 and 100 line items.');
    }
    const lineItems = input.lineItems.map((line) => {
      if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 10_000) {
        throw new GatewayError('BAD_USER_INPUT', 'Each quantity must be a whole number from 1 to 10000.');
      }
      return { variantId: toGid('ProductVariant', line.variantId), quantity: line.quantity };
    });
    const draftInput: Record<string, unknown> = { lineItems };
    if (input.customerId) draftInput.purchasingEntity = { customerId: toGid('Customer', input.customerId) };
    if (input.email) draftInput.email = email(input.email, 'email');
    if (input.note) draftInput.note = freeText(input.note, 'note');
    const data = await this.client.execute<{
      draftOrderCreate: {
        draftOrder: RawDraftOrder | null;
        userErrors: Array<{ field: string[] | null; message: string }>;
      };
    }>(Q.DRAFT_ORDER_CREATE, { input: draftInput }, 'mutation');
    const { draftOrder, userErrors } = data.draftOrderCreate;
    if (userErrors.length > 0 || !draftOrder) {
      // Shopify's userErrors are written for merchants and hold no secrets: pass them on.
      throw new GatewayError(
        'BAD_USER_INPUT',
        `Shopify refused the draft order: ${userErrors.map((e) => e.message).join('; ')}`,
        {
          extensions: { userErrors: userErrors.map((e) => ({ field: e.field, message: e.message })) },
        },
      );
    }
    return mapDraftOrder(draftOrder, this.values);
  }

  /**
   * A cart permalink (https://shopify.dev/docs/apps/build/checkout/create-cart-permalinks): always on
   * the store's public myshopify.com domain, whatever base URL the gateway talks to.
   */
  cartLink(lines: ReadonlyArray<{ variantId: string; quantity: number }>): string {
    if (lines.length === 0 || lines.length > 100) {
      throw new GatewayError('BAD_USER_INPUT', 'A cart link needs between 1 and 100 lines.');
    }
    const items = lines.map((line) => {
      if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 999) {
        throw new GatewayError('BAD_USER_INPUT', 'Each quantity must be a whole number from 1 to 999.');
      }
      return `${numericId('ProductVariant', line.variantId)}:${line.quantity}`;
    });
    return `https://${this.storeName}.myshopify.com/cart/${items.join(',')}`;
  }

  /** The access scopes the app's installation on this store was granted. */
  async grantedScopes(): Promise<string[]> {
    const data = await this.client.execute<{
      currentAppInstallation: { accessScopes: Array<{ handle: string }> } | null;
    }>(Q.APP_SCOPES, {}, 'query');
    return data.currentAppInstallation?.accessScopes.map((s) => s.handle) ?? [];
  }

  /** The value of one shop metafield, or null when the store has not set it (the claim proof). */
  async shopMetafield(namespace: string, key: string): Promise<string | null> {
    const data = await this.client.execute<{ shop: { metafield: { value: string } | null } | null }>(
      Q.CLAIM_TOKEN,
      { namespace, key },
      'query',
    );
    return data.shop?.metafield?.value ?? null;
  }

  /** The cheapest authenticated read, for testIntegration. */
  async ping(): Promise<void> {
    await this.client.execute(Q.SHOP, {}, 'query');
  }
}
