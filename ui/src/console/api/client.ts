import type { TypedDocumentString } from '../../gql/graphql';

/**
 * The console's GraphQL client: a POST per query or mutation (no cache library: every section
 * loads what it shows and reloads after its own actions, which is all this page needs; see the
 * README's "Console"). Subscriptions go over graphql-ws (./live.ts).
 */

/** One GraphQL error as the gateway reports it: a message in words and a stable code. */
export interface GatewayErrorInfo {
  message: string;
  code: string;
}

/** A request the gateway answered with errors (or could not be reached). */
export class RequestError extends Error {
  constructor(readonly errors: GatewayErrorInfo[]) {
    super(errors.map((e) => e.message).join('; '));
  }
  get code(): string {
    return this.errors[0]?.code ?? 'INTERNAL';
  }
}

/** Called when the gateway refuses the token, so the app can show the signed-out page. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Another channel (the subscription socket) found the token refused. */
export function reportUnauthenticated(): void {
  onUnauthenticated();
}

let currentToken: string | undefined;
export function setRequestToken(token: string | undefined): void {
  currentToken = token;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(currentToken ? { authorization: `Bearer ${currentToken}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new RequestError([
      { message: 'The gateway could not be reached. Check that it is running, then retry.', code: 'NETWORK' },
    ]);
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await res.json()) as GraphQLResponse<TResult>;
  } catch {
    // Not GraphQL's JSON: a proxy's or the HTTP layer's own answer.
    throw new RequestError([
      { message: `The gateway answered HTTP ${res.status}.`, code: `HTTP_${res.status}` },
    ]);
  }
  if (body.errors?.length) {
    const errors = body.errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? 'INTERNAL' }));
    if (errors.some((e) => e.code === 'UNAUTHENTICATED')) onUnauthenticated();
    throw new RequestError(errors);
  }
  if (!body.data) throw new RequestError([{ message: 'The gateway answered no data.', code: 'INTERNAL' }]);
  return body.data;
}

/** An error in words with its code, for messages beside a control. */
export function describeError(error: unknown): string {
  if (error instanceof RequestError) return error.errors.map((e) => `${e.message} (${e.code})`).join('; ');
  return error instanceof Error ? error.message : String(error);
}
