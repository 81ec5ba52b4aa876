import { GatewayError } from '../../errors/gateway-error';
import { printable } from '../input-rules';

export type ShopifyGidType =
  'Product' | 'ProductVariant' | 'Order' | 'Customer' | 'InventoryItem' | 'Location' | 'DraftOrder';

/**
 * Accepts a Shopify GID of the expected type or a bare numeric id, returns the GID. Anything else is
 * refused before a call: an id of the wrong type would otherwise fetch some other object.
 */
export function toGid(type: ShopifyGidType, id: string): string {
  const trimmed = printable(id, `The ${type} id`).trim();
  if (/^[0-9]{1,20}$/.test(trimmed)) return `gid://shopify/${type}/${trimmed}`;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([0-9]{1,20})$/.exec(trimmed);
  if (match && match[1] === type) return trimmed;
  throw new GatewayError(
    'BAD_USER_INPUT',
    `"${id.slice(0, 80)}" is not a Shopify ${type} id (a GID or a number).`,
  );
}

export function numericId(type: ShopifyGidType, id: string): string {
  return toGid(type, id).slice(`gid://shopify/${type}/`.length);
}
