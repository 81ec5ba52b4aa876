import { looseName, type ColumnMapping } from './mapping';
import type { LegacyRow } from './sources';

/**
 * Token shapes of the providers the gateway replaces per-user credentials for. Anywhere in any
 * column: a token pasted into a "notes" column is still a token.
 */
const SHAPES: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss|ua)_[A-Za-z0-9]{16,}/ },
  { kind: 'klaviyo-private-key', pattern: /\bpk_[A-Za-z0-9]{20,}/ },
  { kind: 'facebook-token', pattern: /\bEAA[A-Za-z0-9]{20,}/ },
  { kind: 'twilio-api-key', pattern: /\bSK[0-9a-fA-F]{32}\b/ },
  { kind: 'twilio-account-sid', pattern: /\bAC[0-9a-fA-F]{32}\b/ },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/ },
  { kind: 'stripe-webhook-secret', pattern: /\bwhsec_[A-Za-z0-9]{10,}/ },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
];

/** In a column named like a credential, any long base64 or hex run is treated as one. */
const LONG_OPAQUE = [
  { kind: 'long-hex', pattern: /[0-9a-fA-F]{32,}/ },
  { kind: 'long-base64', pattern: /[A-Za-z0-9+/_-]{24,}={0,2}/ },
];
const CREDENTIAL_NAME = /token|secret|key|password|passwd|credential|auth|sid/i;

export interface SecretFinding {
  row: number;
  column: string;
  kind: string;
}

export interface SecretScan {
  /** What was scanned: the rewritten file, the table read back, or the source before a purge. */
  scanned: string;
  rows: number;
  values: number;
  findings: SecretFinding[];
}

/** Every token-shaped value in the rows (position and column only: the value is never repeated). */
export function scanForSecrets(
  rows: readonly LegacyRow[],
  mapping: ColumnMapping,
  scanned: string,
): SecretScan {
  const secretNames = new Set(mapping.secrets.map(looseName));
  const findings: SecretFinding[] = [];
  let values = 0;
  rows.forEach((row, index) => {
    for (const [column, value] of Object.entries(row)) {
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (text === '') continue;
      values++;
      const credentialColumn = secretNames.has(looseName(column)) || CREDENTIAL_NAME.test(column);
      const shape =
        SHAPES.find((s) => s.pattern.test(text)) ??
        (credentialColumn ? LONG_OPAQUE.find((s) => s.pattern.test(text)) : undefined);
      if (shape) findings.push({ row: index + 1, column, kind: shape.kind });
      // A credential column that still holds anything at all is not clean, whatever its shape.
      else if (secretNames.has(looseName(column))) findings.push({ row: index + 1, column, kind: 'value' });
    }
  });
  return { scanned, rows: rows.length, values, findings };
}
