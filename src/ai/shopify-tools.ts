import { z } from 'zod';
import type { ShopifyDataSource } from '../datasources/shopify/shopify.datasource';
import { isGatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { AiTool, AiToolCall } from './ai.types';
import { HANDOVER_TOOL, handoverArgs } from './handover';

/**
 * The facts the model may ask for while drafting, when the organization's Shopify is connected:
 * an order's status and tracking by the name the shopper knows (#1001), and product availability.
 * The model's arguments are JSON it wrote: parsed and validated strictly here, and every failure
 * (bad arguments, no such order, Shopify down) becomes the tool message the model reads next,
 * never an exception that ends the draft.
 */

const orderStatusArgs = z.strictObject({
  orderName: z
    .string()
    .trim()
    .regex(/^#?[A-Za-z0-9-]{1,40}$/, 'an order name such as #1001'),
});

const productAvailabilityArgs = z.strictObject({
  query: z.string().trim().min(1).max(100),
});

/** How many products an availability answer lists (one `nodes(ids:)` batch of the data source). */
const MAX_PRODUCTS = 5;

export const SHOPIFY_TOOLS: AiTool[] = [
  {
    name: 'order_status',
    description:
      "Look up one of the store's orders by its name (e.g. #1001): status, payment and fulfillment status, tracking numbers, carriers and tracking links.",
    parameters: {
      type: 'object',
      properties: { orderName: { type: 'string', description: 'The order name, e.g. #1001.' } },
      required: ['orderName'],
      additionalProperties: false,
    },
  },
  {
    name: 'product_availability',
    description:
      "Search the store's products by title or keyword: each product's variants with price, stock quantity and whether it is available for sale.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'Words from the product title.' } },
      required: ['query'],
      additionalProperties: false,
    },
  },
];

/** The tools offered for one draft: Shopify's when connected, the handover always. */
export const toolsFor = (shopify: ShopifyDataSource | undefined): AiTool[] =>
  shopify ? [...SHOPIFY_TOOLS, HANDOVER_TOOL] : [HANDOVER_TOOL];

export type ToolOutcome =
  { kind: 'result'; content: string } | { kind: 'handover'; reason: string; content: string };

/** Runs one tool call; the content is the JSON text sent back to the model. */
export async function runTool(
  call: AiToolCall,
  deps: { shopify: ShopifyDataSource | undefined; logger: Logger },
): Promise<ToolOutcome> {
  const result = (value: unknown): ToolOutcome => ({ kind: 'result', content: JSON.stringify(value) });
  let raw: unknown;
  try {
    raw = JSON.parse(call.arguments || '{}');
  } catch {
    return result({ error: 'The arguments were not valid JSON.' });
  }
  try {
    switch (call.name) {
      case 'handover_to_human': {
        const args = handoverArgs.safeParse(raw);
        const reason = args.success ? args.data.reason : 'The assistant asked for a person.';
        return { kind: 'handover', reason, content: JSON.stringify({ ok: true }) };
      }
      case 'order_status': {
        if (!deps.shopify) return result({ error: 'The store is not connected.' });
        const args = orderStatusArgs.safeParse(raw);
        if (!args.success) return result({ error: `Invalid arguments: ${describe(args.error)}` });
        return result(await orderStatus(deps.shopify, args.data.orderName));
      }
      case 'product_availability': {
        if (!deps.shopify) return result({ error: 'The store is not connected.' });
        const args = productAvailabilityArgs.safeParse(raw);
        if (!args.success) return result({ error: `Invalid arguments: ${describe(args.error)}` });
        return result(await productAvailability(deps.shopify, args.data.query));
      }
      default:
        return result({ error: `Unknown tool ${call.name.slice(0, 60)}.` });
    }
  } catch (error) {
    // The model gets a sentence it can act on; the log gets the code (never the shopper's words).
    deps.logger.warn(
      {
        tool: call.name,
        code: isGatewayError(error) ? error.code : undefined,
        err: isGatewayError(error) ? undefined : error,
      },
      'AI tool failed',
    );
    const message =
      isGatewayError(error) && error.code === 'BAD_USER_INPUT'
        ? error.message
        : 'The store could not be reached just now.';
    return result({ error: message });
  }
}

const describe = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');

async function orderStatus(shopify: ShopifyDataSource, orderName: string) {
  const order = await shopify.order({ name: orderName });
  if (!order) return { found: false, orderName };
  return {
    found: true,
    name: order.name,
    status: order.cancelledAt ? 'CANCELLED' : 'OPEN',
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    createdAt: order.createdAt?.toISOString() ?? null,
    statusPageUrl: order.statusPageUrl,
    fulfillments: order.fulfillments.map((f) => ({
      status: f.displayStatus ?? f.status,
      estimatedDeliveryAt: f.estimatedDeliveryAt?.toISOString() ?? null,
      deliveredAt: f.deliveredAt?.toISOString() ?? null,
      tracking: f.trackingInfo.map((t) => ({ carrier: t.company, number: t.number, url: t.url })),
    })),
  };
}

async function productAvailability(shopify: ShopifyDataSource, query: string) {
  // Plain words only (letters, digits, dashes; lower case so OR/NOT stay words): the model's text is
  // never Shopify search syntax. Bare words search the product's default fields, all of them.
  const words = query
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}-]/gu, '').toLowerCase())
    .filter(Boolean)
    .slice(0, 6);
  if (words.length === 0) return { products: [] };
  const page = await shopify.products({ first: MAX_PRODUCTS, query: words.join(' ') });
  const products = await Promise.all(page.edges.map((edge) => shopify.product(edge.node.id)));
  return {
    products: products
      .filter((p) => p !== null)
      .map((p) => ({
        title: p.title,
        status: p.status,
        url: p.onlineStoreUrl,
        totalInventory: p.totalInventory,
        variants: (p.variants ?? []).map((v) => ({
          title: v.title,
          sku: v.sku,
          price: v.price,
          inventoryQuantity: v.inventoryQuantity,
          available: v.availableForSale,
        })),
      })),
  };
}
