import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../../gql/graphql';

/**
 * Live events over graphql-ws on /graphql. The gateway authenticates the socket once, from the
 * token in connection_init's payload, and closes it with 4401/4403 when the token is missing,
 * refused or expires: then the page shows the signed-out state instead of retrying forever.
 */
let client: Client | undefined;
let clientToken: string | undefined;

function clientFor(token: string, onRefused: () => void): Client {
  if (client && clientToken === token) return client;
  void client?.dispose();
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  clientToken = token;
  client = createClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 5,
    shouldRetry: (event) => !(event instanceof CloseEvent && (event.code === 4401 || event.code === 4403)),
    on: {
      closed: (event) => {
        if (event instanceof CloseEvent && (event.code === 4401 || event.code === 4403)) onRefused();
      },
    },
  });
  return client;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<TResult>(
  token: string,
  document: TypedDocumentString<TResult, Record<string, never>>,
  onData: (data: TResult) => void,
  onRefused: () => void,
): () => void {
  return clientFor(token, onRefused).subscribe<TResult>(
    { query: document.toString() },
    {
      next: (result) => {
        if (result.data) onData(result.data);
      },
      error: () => {},
      complete: () => {},
    },
  );
}

export function closeLive(): void {
  void client?.dispose();
  client = undefined;
  clientToken = undefined;
}
