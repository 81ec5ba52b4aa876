import type { TestGateway } from './harness';

/** Polls until `read` returns something `done` accepts (webhooks are processed after the answer). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

export const storedEvents = (gw: TestGateway, providerEventId: string) =>
  gw.db('webhook_events').where({ provider: 'shopify', provider_event_id: providerEventId });

/** The stored row of one delivery once it left pending/processing (or whatever it is after 5 s). */
export async function settledEvent(gw: TestGateway, providerEventId: string) {
  const rows = await waitFor(
    () => storedEvents(gw, providerEventId),
    (r) => r.length > 0 && !['pending', 'processing'].includes(r[0].state),
  );
  return rows[0];
}

export async function connectShopify(gw: TestGateway, token: string, storeName: string): Promise<void> {
  const { body } = await gw.graphql(
    `mutation($s: String!) { connectIntegration(input: { shopify: { storeName: $s } }) { integration { ... on ShopifyIntegration { status } } } }`,
    { s: storeName },
    token,
  );
  if (body.data?.connectIntegration?.integration?.status !== 'CONNECTED') {
    throw new Error(`could not connect ${storeName}: ${JSON.stringify(body)}`);
  }
}

export const WEBHOOK_EVENTS = `query($state: WebhookEventState) { organization { webhookEvents(first: 50, state: $state) {
  edges { node { id provider topic state attempts lastError receivedAt processedAt } } } } }`;
