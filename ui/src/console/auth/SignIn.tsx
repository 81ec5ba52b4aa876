import { useEffect, useState, type FormEvent } from 'react';

/**
 * Outside production with the development secret the gateway offers POST /auth/dev-token: sign in
 * as any organization and role. Elsewhere the route is absent (404) and the page asks for a token
 * from the platform (or a `#token=` link).
 */
async function devSignInAvailable(): Promise<boolean> {
  try {
    // An empty probe the route refuses (400) without signing anything; 404 means it is absent.
    const res = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: true }),
    });
    return res.status === 400;
  } catch {
    return false;
  }
}

const ROLES = [
  { value: 'admin', label: 'Admin (connects, tests, disconnects)' },
  { value: 'member', label: 'Member (reads, replies)' },
  { value: 'platform_admin', label: 'Platform admin (support view)' },
];

export function SignIn({ onToken, notice }: { onToken: (token: string) => void; notice?: string }) {
  const [dev, setDev] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    void devSignInAvailable().then(setDev);
  }, []);

  return (
    <main className="narrow" id="main">
      <h1>Sign in to Switchboard</h1>
      {notice && <p className="notice">{notice}</p>}
      {dev === undefined && <p>Loading…</p>}
      {dev === true && <DevSignIn onToken={onToken} />}
      {dev !== undefined && <PasteToken onToken={onToken} dev={dev} />}
    </main>
  );
}

function DevSignIn({ onToken }: { onToken: (token: string) => void }) {
  const [orgId, setOrgId] = useState('');
  const [role, setRole] = useState('admin');
  const [error, setError] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    const res = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, ...(orgId.trim() ? { orgId: orgId.trim() } : {}) }),
    });
    const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
    if (res.ok && body.token) onToken(body.token);
    else setError(body.message ?? `The gateway refused the sign-in (HTTP ${res.status}).`);
  }

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="dev-sign-in-title">
      <h2 id="dev-sign-in-title">Development sign-in</h2>
      <p className="hint">
        This gateway signs tokens with its development secret, so you can sign in as any organization.
      </p>
      <label htmlFor="dev-org">Organization id</label>
      <input
        id="dev-org"
        value={orgId}
        onChange={(e) => setOrgId(e.target.value)}
        placeholder="empty: the demo organization"
        aria-describedby="dev-org-hint"
      />
      <p className="hint" id="dev-org-hint">
        A UUID; leave empty for the demo organization.
      </p>
      <label htmlFor="dev-role">Role</label>
      <select id="dev-role" value={role} onChange={(e) => setRole(e.target.value)}>
        {ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">Sign in</button>
    </form>
  );
}

function PasteToken({ onToken, dev }: { onToken: (token: string) => void; dev: boolean }) {
  const [token, setToken] = useState('');
  return (
    <form
      className="card"
      aria-labelledby="paste-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim()) onToken(token.trim());
      }}
    >
      <h2 id="paste-title">{dev ? 'Or use a token' : 'Use a token'}</h2>
      <label htmlFor="paste-token">Access token (JWT)</label>
      <textarea
        id="paste-token"
        rows={3}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        aria-describedby="paste-hint"
      />
      <p className="hint" id="paste-hint">
        Your platform gives you a sign-in link or a token. Development: <code>npm run token</code>.
      </p>
      <button type="submit">Use this token</button>
    </form>
  );
}
