/**
 * Prefills the headers editor with a development token, when the gateway signs with its development
 * secret (POST /auth/dev-token answers; it is 404 anywhere else), without overwriting headers the
 * user typed: GraphiQL keeps headers in localStorage, and they are replaced only when there are none
 * or they are still the token this page put there last time (a fresh one is asked for on each load).
 */
const GRAPHIQL_HEADERS = 'graphiql:headers';
const GRAPHIQL_TABS = 'graphiql:tabState';
/** The headers this page prefilled last: headers equal to them were not edited by the user. */
const PREFILLED = 'switchboard:playground:prefilledHeaders';

/** What the headers editor shows when there is no development token. */
export const NO_TOKEN_HEADERS = [
  '// No token here: `npm run token` prints one (add `-- --role member` or `-- --org <uuid>` to choose).',
  '// Then write: {"Authorization": "Bearer <token>"}',
  '',
].join('\n');

export interface HeadersSetup {
  /** Headers of new tabs (and of tabs with none). */
  defaultHeaders: string;
  /** Whether GraphiQL persists headers: only throw-away development tokens are kept by default. */
  persist: boolean;
}

async function fetchDevToken(): Promise<string | undefined> {
  try {
    const res = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { token?: unknown };
    return typeof body.token === 'string' ? body.token : undefined;
  } catch {
    return undefined;
  }
}

/** Headers the user has not written: none, our hint, or the token we prefilled before. */
function untouched(headers: string | null | undefined, prefilled: string | null) {
  return !headers?.trim() || headers === NO_TOKEN_HEADERS || (prefilled !== null && headers === prefilled);
}

export async function setUpHeaders(): Promise<HeadersSetup> {
  const token = await fetchDevToken();
  if (!token) {
    // A development token kept from an earlier run is refused here: show the hint instead.
    try {
      const prefilled = localStorage.getItem(PREFILLED);
      if (prefilled && localStorage.getItem(GRAPHIQL_HEADERS) === prefilled) {
        localStorage.removeItem(GRAPHIQL_HEADERS);
      }
    } catch {
      // No usable localStorage: nothing was kept.
    }
    return { defaultHeaders: NO_TOKEN_HEADERS, persist: false };
  }
  const headers = JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
  try {
    const prefilled = localStorage.getItem(PREFILLED);
    if (untouched(localStorage.getItem(GRAPHIQL_HEADERS), prefilled)) {
      localStorage.setItem(GRAPHIQL_HEADERS, headers);
    }
    const tabs = localStorage.getItem(GRAPHIQL_TABS);
    if (tabs) {
      const state = JSON.parse(tabs) as { tabs?: Array<{ headers?: string | null }> };
      for (const tab of state.tabs ?? []) if (untouched(tab.headers, prefilled)) tab.headers = headers;
      localStorage.setItem(GRAPHIQL_TABS, JSON.stringify(state));
    }
    localStorage.setItem(PREFILLED, headers);
  } catch {
    // No usable localStorage (private mode, corrupt state): GraphiQL starts from defaults.
  }
  return { defaultHeaders: headers, persist: true };
}
