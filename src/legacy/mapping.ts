import fs from 'node:fs';
import { z } from 'zod';
import { PROVIDERS, type ProviderId } from '../datasources/registry';

/**
 * Which legacy column holds what. Every entry lists candidate column names, tried in order (case
 * and `-`/`_`/space insensitive); the first one present with a value wins. The default matches what
 * common OAuth libraries and hand-rolled "user_tokens" tables store; `--mapping FILE` replaces any
 * part of it (a JSON file with the same shape; keys left out keep the default).
 */
export interface ColumnMapping {
  /** The gateway organization's UUID. */
  organization: string[];
  /** Provider name as the old system wrote it; see `providerAliases`. */
  provider: string[];
  /** A row id to show in the report (optional). */
  rowId: string[];
  /** Per provider: the columns that may hold the account identifier (raw; the provider's parser decides). */
  account: Record<ProviderId, string[]>;
  /** Columns holding secrets: never read into the gateway, removed by the purge, checked by the scan. */
  secrets: string[];
  /** Old provider names → the gateway's provider ids (lowercase keys). */
  providerAliases: Record<string, ProviderId>;
}

export const DEFAULT_MAPPING: ColumnMapping = {
  organization: ['organization_id', 'org_id', 'organizationId', 'orgId', 'tenant_id'],
  provider: ['provider', 'provider_id', 'service', 'integration', 'app'],
  rowId: ['id', 'connection_id', 'token_id'],
  account: {
    shopify: ['shop', 'shop_domain', 'myshopify_domain', 'store', 'store_name', 'domain', 'url'],
    klaviyo: ['company_id', 'public_key', 'public_api_key', 'site_id', 'account_id'],
    kustomer: ['subdomain', 'org_name', 'organization_name', 'url', 'domain'],
    messenger: ['page_id', 'facebook_page_id', 'fb_page_id', 'account_id'],
    whatsapp: ['whatsapp_number', 'phone_number', 'business_number', 'from_number', 'phone'],
    openai: [],
    stripe: ['customer', 'customer_id', 'stripe_customer_id'],
  },
  secrets: [
    'access_token',
    'refresh_token',
    'token',
    'api_key',
    'api_secret',
    'secret',
    'client_secret',
    'private_key',
    'private_api_key',
    'auth_token',
    'page_access_token',
    'id_token',
    'password',
    'token_secret',
    'webhook_secret',
    'account_sid',
  ],
  providerAliases: {
    shopify: 'shopify',
    klaviyo: 'klaviyo',
    kustomer: 'kustomer',
    messenger: 'messenger',
    facebook: 'messenger',
    'facebook-messenger': 'messenger',
    fb: 'messenger',
    whatsapp: 'whatsapp',
    twilio: 'whatsapp',
    'twilio-whatsapp': 'whatsapp',
    openai: 'openai',
    stripe: 'stripe',
  },
};

const names = z.array(z.string().min(1)).optional();
const mappingFile = z
  .object({
    organization: names,
    provider: names,
    rowId: names,
    account: z
      // partialRecord: a file names only the providers whose columns differ.
      .partialRecord(z.enum(PROVIDERS as [ProviderId, ...ProviderId[]]), z.array(z.string().min(1)))
      .optional(),
    secrets: names,
    providerAliases: z.record(z.string(), z.enum(PROVIDERS as [ProviderId, ...ProviderId[]])).optional(),
  })
  .strict();

/** The default mapping with a `--mapping` file's parts laid over it. */
export function loadMapping(file: string | undefined): ColumnMapping {
  if (!file) return DEFAULT_MAPPING;
  let parsed: z.infer<typeof mappingFile>;
  try {
    parsed = mappingFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    const reason =
      error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ')
        : (error as Error).message;
    throw new Error(`The mapping file ${file} is not valid: ${reason}`);
  }
  return {
    organization: parsed.organization ?? DEFAULT_MAPPING.organization,
    provider: parsed.provider ?? DEFAULT_MAPPING.provider,
    rowId: parsed.rowId ?? DEFAULT_MAPPING.rowId,
    account: { ...DEFAULT_MAPPING.account, ...parsed.account },
    secrets: parsed.secrets ?? DEFAULT_MAPPING.secrets,
    providerAliases: {
      ...DEFAULT_MAPPING.providerAliases,
      ...Object.fromEntries(
        Object.entries(parsed.providerAliases ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    },
  };
}

/** Column names compared loosely: `Shop Domain`, `shop-domain` and `shop_domain` are one column. */
export const looseName = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

/** The first candidate column of `row` with a non-empty value, and that value as text. */
export function pick(
  row: Record<string, unknown>,
  candidates: readonly string[],
): { column: string; value: string } | undefined {
  const byLoose = new Map(Object.keys(row).map((key) => [looseName(key), key]));
  for (const candidate of candidates) {
    const column = byLoose.get(looseName(candidate));
    if (column === undefined) continue;
    const value = row[column];
    if (value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value.trim() : String(value);
    if (text !== '') return { column, value: text };
  }
  return undefined;
}

/** The row's columns that the mapping names as secrets (whatever their case or separators). */
export function secretColumns(columns: readonly string[], mapping: ColumnMapping): string[] {
  const secret = new Set(mapping.secrets.map(looseName));
  return columns.filter((column) => secret.has(looseName(column)));
}
