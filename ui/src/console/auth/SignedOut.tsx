/** The page for a token the console cannot use: what happened and what to do next. */
export function SignedOut({ reason, onSignOut }: { reason: 'expired' | 'invalid'; onSignOut: () => void }) {
  return (
    <main className="narrow" id="main">
      <h1>{reason === 'expired' ? 'Your session has expired' : 'This sign-in is not valid'}</h1>
      <p>
        {reason === 'expired'
          ? 'The token this page was opened with is past its expiry time, so the gateway no longer accepts it.'
          : 'The gateway did not accept the token this page was opened with (wrong signature, wrong issuer, or not a token).'}
      </p>
      <p>
        Get a new sign-in link from your platform (development: restart <code>npm start</code> and open the
        link it prints, or run <code>npm run token</code>), or sign out and sign in again.
      </p>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </main>
  );
}
