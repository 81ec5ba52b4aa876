/**
 * Where the console's token lives: taken once from a `#token=` fragment (fragments never reach the
 * server, so the token stays out of access logs), then kept in sessionStorage for the tab's life.
 */
const KEY = 'switchboard.token';

/** Reads `#token=…` once and removes it from the address bar (and from the history entry). */
export function takeTokenFromFragment(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return undefined;
  const token = decodeURIComponent(match[1]);
  history.replaceState(null, '', location.pathname + location.search);
  return token;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The token's claims as the page can read them without verifying (the gateway verifies). */
export interface TokenClaims {
  exp?: number;
  org_id?: string;
  org_name?: string;
  role?: string;
  sub?: string;
}

export function readClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the page cannot use a token before asking the gateway, or undefined when it may. */
export function tokenProblem(token: string): 'expired' | 'invalid' | undefined {
  const claims = readClaims(token);
  if (!claims) return 'invalid';
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return 'expired';
  return undefined;
}
