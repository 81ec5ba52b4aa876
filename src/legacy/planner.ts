import { createHash } from 'node:crypto';
import { claimKey, providers, type ProviderId } from '../datasources/registry';
import { type ColumnMapping, pick } from './mapping';
import type { LegacyRow } from './sources';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What became of one legacy row. `planned` exists only in a dry run (it would be imported);
 * `verified`/`failed` say whether the provider's test passed under the admin credentials.
 */
export type RowResult = 'planned' | 'verified' | 'failed' | 'unchanged' | 'conflict' | 'invalid';

export interface RowOutcome {
  /** 1-based position in the source (a CSV's data lines, a JSON array's items, a table's rows). */
  row: number;
  /** The row's own id column, when the mapping finds one. */
  rowId: string | null;
  organizationId: string | null;
  provider: ProviderId | null;
  /** The normalized account key the gateway claims (never a secret). */
  accountKey: string | null;
  result: RowResult;
  reason: string | null;
  /** The integration's status after the run, for rows that have one. */
  status?: string | null;
}

/** A row ready to be connected, with what `IntegrationsService.connect` takes. */
export interface PlannedRow extends RowOutcome {
  input: Record<string, unknown> | null;
  /** Stable id of (organization, provider, account, row) without any secret: audit de-duplication. */
  fingerprint: string;
}

/**
 * Reads each row's organization, provider and account identifier, and validates the identifier with
 * the provider's own parser (account.parse), exactly as connectIntegration would. Then finds the
 * conflicts inside the export: one account claimed by several organizations, one organization with
 * several accounts of a provider. Conflicting rows are reported, never resolved by picking one.
 */
export function planRows(rows: readonly LegacyRow[], mapping: ColumnMapping): PlannedRow[] {
  const planned = rows.map((row, index) => planRow(row, index + 1, mapping));
  markConflicts(planned);
  return planned;
}

function planRow(row: LegacyRow, position: number, mapping: ColumnMapping): PlannedRow {
  const rowId = pick(row, mapping.rowId)?.value ?? null;
  const base = {
    row: position,
    rowId,
    organizationId: null,
    provider: null,
    accountKey: null,
    input: null,
    fingerprint: '',
  } satisfies Partial<PlannedRow>;
  const invalid = (reason: string, extra: Partial<PlannedRow> = {}): PlannedRow => ({
    ...base,
    ...extra,
    result: 'invalid',
    reason,
    fingerprint: fingerprint([String(position), extra.organizationId, extra.provider, rowId]),
  });

  const organization = pick(row, mapping.organization);
  if (!organization) return invalid(`no organization (columns ${mapping.organization.join(', ')})`);
  if (!UUID.test(organization.value)) {
    return invalid(
      `organization ${JSON.stringify(organization.value)} is not an organization UUID of the gateway`,
    );
  }
  const organizationId = organization.value.toLowerCase();
  const providerName = pick(row, mapping.provider);
  if (!providerName)
    return invalid(`no provider (columns ${mapping.provider.join(', ')})`, { organizationId });
  const provider = mapping.providerAliases[providerName.value.toLowerCase()];
  if (!provider) {
    return invalid(`unknown provider ${JSON.stringify(providerName.value)}`, { organizationId });
  }
  const adapter = providers[provider];
  let input: Record<string, unknown> = {};
  const [field] = adapter.account.fields;
  // A read-only card (Stripe) has nothing to connect: its parser's refusal is the reason.
  if (field && !adapter.readOnlyCard) {
    const raw = pick(row, mapping.account[provider]);
    if (!raw) {
      return invalid(
        `no ${adapter.displayName} account identifier (columns ${mapping.account[provider].join(', ')})`,
        { organizationId, provider },
      );
    }
    input = { [field.name]: deriveIdentifier(provider, raw.value) };
  }
  let key: string;
  try {
    const account = (adapter.account.parse as (input: unknown) => unknown)(input);
    key = claimKey((adapter.account.key as (account: unknown) => string)(account), organizationId);
  } catch (error) {
    return invalid((error as Error).message, { organizationId, provider });
  }
  return {
    ...base,
    organizationId,
    provider,
    accountKey: key,
    input,
    result: 'planned',
    reason: null,
    fingerprint: fingerprint([organizationId, provider, key]),
  };
}

/**
 * What an old system stored next to a token is often a URL rather than the bare identifier: the
 * part the provider's parser expects is taken out here, and the parser still has the last word.
 * (Shopify's parser takes whole domains and URLs itself; WhatsApp's takes `whatsapp:+1…`.)
 */
function deriveIdentifier(provider: ProviderId, value: string): string {
  if (provider === 'kustomer') {
    const host = /^(?:https?:\/\/)?([^/]+)/i.exec(value)?.[1] ?? value;
    const match = /^([a-z0-9][a-z0-9-]*)(?:\.api)?\.kustomerapp\.com$/i.exec(host);
    return match ? match[1]! : value;
  }
  if (provider === 'shopify') {
    // admin.shopify.com/store/<name> is how the newer admin URLs name a store.
    const admin = /^(?:https?:\/\/)?admin\.shopify\.com\/store\/([^/?#]+)/i.exec(value);
    return admin ? admin[1]! : value.replace(/^(https?:\/\/[^/]+)\/.*$/i, '$1');
  }
  return value;
}

function markConflicts(planned: PlannedRow[]): void {
  const ready = planned.filter((p) => p.result === 'planned');
  const groups = <K>(keyOf: (p: PlannedRow) => K) => {
    const map = new Map<K, PlannedRow[]>();
    for (const p of ready) map.set(keyOf(p), [...(map.get(keyOf(p)) ?? []), p]);
    return [...map.values()];
  };
  const reasons = new Map<PlannedRow, string[]>();
  const add = (p: PlannedRow, reason: string) => reasons.set(p, [...(reasons.get(p) ?? []), reason]);

  for (const group of groups((p) => `${p.provider}\u0000${p.accountKey}`)) {
    const orgs = new Set(group.map((p) => p.organizationId));
    if (orgs.size < 2) continue;
    const name = providers[group[0]!.provider!].displayName;
    for (const p of group) {
      add(
        p,
        `${orgs.size} organizations claim the ${name} account ${group[0]!.accountKey} (rows ${rowList(group)})`,
      );
    }
  }
  for (const group of groups((p) => `${p.organizationId}\u0000${p.provider}`)) {
    const keys = new Set(group.map((p) => p.accountKey));
    if (keys.size < 2) continue;
    const name = providers[group[0]!.provider!].displayName;
    for (const p of group) {
      add(
        p,
        `the organization has ${keys.size} ${name} accounts (${[...keys].join(', ')}; rows ${rowList(group)}) and may connect one`,
      );
    }
  }
  for (const [p, list] of reasons) {
    p.result = 'conflict';
    p.reason = list.join('; ');
  }
  // The same connection twice (several users of one organization stored one shop's token): one
  // import, the later rows are the same connection.
  const first = new Map<string, PlannedRow>();
  for (const p of planned) {
    if (p.result !== 'planned') continue;
    const earlier = first.get(p.fingerprint);
    if (earlier) {
      p.result = 'unchanged';
      p.reason = `same connection as row ${earlier.row}`;
    } else first.set(p.fingerprint, p);
  }
}

const rowList = (group: PlannedRow[]) => group.map((p) => p.row).join(', ');

function fingerprint(parts: Array<string | null | undefined>): string {
  return createHash('sha256')
    .update(parts.map((part) => part ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
