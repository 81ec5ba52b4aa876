import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error';

/**
 * What a provider's credentials must be allowed to do, as data (the seed's "scope limitation"):
 * the scopes the seed tells the platform admin to grant, and the ones each feature needs.
 */
export interface ProviderScopes<DataSource = unknown> {
  /** The provider's word for them, in messages: "access scope", "API key scope", "role". */
  noun: string;
  /** The seed's list for this provider: what the platform admin is told to grant. */
  requested: readonly string[];
  /** Feature (its name in the adapter's `features`) → the scopes it needs. */
  features: Readonly<Record<string, readonly string[]>>;
  /** Reads what the credentials were granted. Absent: the provider exposes nothing to read. */
  read?(dataSource: DataSource): Promise<readonly string[]>;
  /** Why the grants cannot be read, in words, when `read` is absent. */
  unreadable?: string;
  /** Where the platform admin grants them, in words: ends the PROVIDER_SCOPE_MISSING message. */
  grantHint: string;
}

/** A missing scope and the features that need it. */
export interface MissingScope {
  scope: string;
  features: string[];
}

/** What `testIntegration` reports about scopes (GraphQL `ScopeReport`). */
export interface ScopeReport {
  readable: boolean;
  granted: string[];
  missing: MissingScope[];
  unused: string[];
  summary: string[];
}

/** Checked by a provider's client before it sends a call (see {@link ScopeRegistry.gate}). */
export interface ScopeGate {
  /** Throws PROVIDER_SCOPE_MISSING when the known grants lack one of `scopes`; passes while unknown. */
  require(scopes: readonly string[]): void;
  /** Records grants learnt on the way (a token response's `scope`). */
  remember(granted: readonly string[]): void;
}

/** The features of `scopes` that need `scope`, in declaration order. */
export function featuresNeeding(scopes: ProviderScopes, scope: string): string[] {
  return Object.entries(scopes.features)
    .filter(([, needed]) => needed.includes(scope))
    .map(([feature]) => feature);
}

/**
 * Granted scopes per provider, account and credentials. They change only when the platform admin
 * edits the app or key (and reinstalls), so they are kept for the gateway's lifetime and dropped when
 * the provider refuses the credentials. The credentials enter the key only as a hash.
 */
export class ScopeRegistry {
  private readonly granted = new Map<string, readonly string[]>();

  /** Hashes per configuration object: computed once, not on every request's data source. */
  private readonly fingerprints = new WeakMap<object, string>();

  key(provider: string, accountKey: string, credentials: unknown): string {
    return `${provider}:${accountKey}:${this.fingerprint(credentials)}`;
  }

  private fingerprint(credentials: unknown): string {
    const cached =
      typeof credentials === 'object' && credentials ? this.fingerprints.get(credentials) : undefined;
    if (cached) return cached;
    const hash = createHash('sha256')
      .update(JSON.stringify(credentials ?? null))
      .digest('base64url')
      .slice(0, 16);
    if (typeof credentials === 'object' && credentials) this.fingerprints.set(credentials, hash);
    return hash;
  }

  known(key: string): readonly string[] | undefined {
    return this.granted.get(key);
  }

  remember(key: string, scopes: readonly string[]): void {
    this.granted.set(key, [...new Set(scopes.map((s) => s.trim()).filter(Boolean))].sort());
  }

  forget(key: string): void {
    this.granted.delete(key);
  }

  gate(key: string, providerName: string, accountKey: string, scopes: ProviderScopes | undefined): ScopeGate {
    return {
      require: (needed) => {
        const granted = this.granted.get(key);
        if (!scopes || !granted) return;
        const missing = needed.filter((scope) => !granted.includes(scope));
        if (missing.length > 0) throw scopeMissingError(providerName, accountKey, scopes, missing);
      },
      // Called on every call with a client-credentials token's scope: only a change is stored.
      remember: (granted) => {
        const known = this.granted.get(key);
        if (!known || known.length !== granted.length || granted.some((s) => !known.includes(s)))
          this.remember(key, granted);
      },
    };
  }
}

/** PROVIDER_SCOPE_MISSING naming the scopes, the features that need them, and who must grant them. */
export function scopeMissingError(
  providerName: string,
  accountKey: string,
  scopes: ProviderScopes,
  missing: readonly string[],
): GatewayError {
  const features = [...new Set(missing.flatMap((scope) => featuresNeeding(scopes, scope)))];
  const plural = missing.length > 1;
  return new GatewayError(
    'PROVIDER_SCOPE_MISSING',
    `${providerName} has not granted the gateway the ${scopes.noun}${plural ? 's' : ''} ${missing.join(', ')}` +
      `${features.length > 0 ? `, which ${features.join(', ')} need${features.length > 1 || plural ? '' : 's'}` : ''}` +
      ` (account ${accountKey || 'of this organization'}). The request was not sent. A platform administrator must ${scopes.grantHint}.`,
    { extensions: { missingScopes: [...missing] } },
  );
}

/** Compares what was granted with what the features need, in words. `granted` undefined: unreadable. */
export function scopeReport(
  providerName: string,
  scopes: ProviderScopes | undefined,
  granted: readonly string[] | undefined,
): ScopeReport | null {
  if (!scopes) return null;
  if (!granted) {
    return {
      readable: false,
      granted: [],
      missing: [],
      unused: [],
      summary: [
        scopes.unreadable ??
          `${providerName} does not let the gateway read which ${scopes.noun}s its credentials were granted.`,
      ],
    };
  }
  const needed = [...new Set(Object.values(scopes.features).flat())];
  const missing = needed
    .filter((scope) => !granted.includes(scope))
    .map((scope) => ({ scope, features: featuresNeeding(scopes, scope) }));
  const unused = granted.filter((scope) => !needed.includes(scope));
  const summary: string[] = [];
  for (const { scope, features } of missing) {
    summary.push(
      `Missing ${scopes.noun} ${scope}: ${features.join(', ')} will not work. A platform administrator must ${scopes.grantHint}.`,
    );
  }
  if (unused.length > 0) {
    summary.push(
      `Granted but used by no feature of this gateway: ${unused.join(', ')}. A platform administrator may remove ${unused.length > 1 ? 'them' : 'it'} (least privilege).`,
    );
  }
  if (summary.length === 0)
    summary.push(`Every ${scopes.noun} the features need is granted, and nothing more.`);
  return { readable: true, granted: [...granted], missing, unused, summary };
}
