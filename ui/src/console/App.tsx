import { useCallback, useEffect, useState } from 'react';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { RequestError, describeError, request, setRequestToken, whenUnauthenticated } from './api/client';
import { closeLive } from './api/live';
import { forgetToken, storeToken, storedToken, takeTokenFromFragment, tokenProblem } from './auth/session';
import { SignIn } from './auth/SignIn';
import { SignedOut } from './auth/SignedOut';
import { Console } from './layout/Console';

const VIEWER = graphql(`
  query ConsoleViewer {
    viewer {
      userId
      role
      organization {
        id
        name
      }
    }
  }
`);

export interface ViewerInfo {
  userId: string;
  role: Role;
  organization: { id: string; name: string };
}

type State =
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'refused'; reason: 'expired' | 'invalid' }
  | { kind: 'loading'; token: string }
  | { kind: 'failed'; token: string; message: string }
  | { kind: 'ready'; token: string; viewer: ViewerInfo };

function initialState(): State {
  const fromLink = takeTokenFromFragment();
  if (fromLink) storeToken(fromLink);
  const token = fromLink ?? storedToken();
  if (!token) return { kind: 'signed-out' };
  const problem = tokenProblem(token);
  return problem ? { kind: 'refused', reason: problem } : { kind: 'loading', token };
}

export function App() {
  const [state, setState] = useState<State>(initialState);
  const token = 'token' in state ? state.token : undefined;
  setRequestToken(token);

  const refuse = useCallback(() => {
    closeLive();
    const current = storedToken();
    setState({
      kind: 'refused',
      reason: current && tokenProblem(current) === 'expired' ? 'expired' : 'invalid',
    });
  }, []);
  useEffect(() => whenUnauthenticated(refuse), [refuse]);

  useEffect(() => {
    if (state.kind !== 'loading') return;
    request(VIEWER)
      .then((data) => setState({ kind: 'ready', token: state.token, viewer: data.viewer }))
      .catch((error: unknown) => {
        if (error instanceof RequestError && error.code === 'UNAUTHENTICATED') return; // refuse() ran
        setState({ kind: 'failed', token: state.token, message: describeError(error) });
      });
  }, [state]);

  const signIn = (next: string) => {
    storeToken(next);
    const problem = tokenProblem(next);
    setState(problem ? { kind: 'refused', reason: problem } : { kind: 'loading', token: next });
  };
  const signOut = () => {
    closeLive();
    forgetToken();
    setState({ kind: 'signed-out', notice: 'You are signed out.' });
  };

  switch (state.kind) {
    case 'signed-out':
      return <SignIn onToken={signIn} notice={state.notice} />;
    case 'refused':
      return <SignedOut reason={state.reason} onSignOut={signOut} />;
    case 'loading':
      return (
        <main className="narrow" id="main">
          <p role="status">Signing in…</p>
        </main>
      );
    case 'failed':
      return (
        <main className="narrow" id="main">
          <h1>The console could not load</h1>
          <p className="error" role="alert">
            {state.message}
          </p>
          <button type="button" onClick={() => setState({ kind: 'loading', token: state.token })}>
            Retry
          </button>{' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </main>
      );
    case 'ready':
      return <Console token={state.token} viewer={state.viewer} onSignOut={signOut} />;
  }
}
