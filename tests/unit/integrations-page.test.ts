/**
 * The integrations page (public/index.html + public/integrations.js) driven without a browser: the
 * page's own script mounted on a small stand-in for the DOM, with a stand-in gateway answering.
 * The page reloads the list after every action; these tests check that the reload does not erase
 * the action's error or what the user typed.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const page = require('../../public/integrations.js');

class FakeElement {
  children: Array<FakeElement | string> = [];
  className = '';
  value = '';
  disabled = false;
  placeholder = '';
  readonly attributes = new Map<string, string>();
  onclick?: () => unknown;
  oninput?: () => unknown;
  constructor(readonly tagName: string) {}
  get textContent(): string {
    return this.children.map((c) => (typeof c === 'string' ? c : c.textContent)).join('');
  }
  set textContent(text: string) {
    this.children = text ? [text] : [];
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  append(...nodes: Array<FakeElement | string>) {
    this.children.push(...nodes);
  }
  /** Every descendant element matching a tag name or `.class`. */
  findAll(selector: string): FakeElement[] {
    const out: FakeElement[] = [];
    for (const child of this.children) {
      if (typeof child === 'string') continue;
      const hit = selector.startsWith('.')
        ? child.className.split(' ').includes(selector.slice(1))
        : child.tagName === selector;
      if (hit) out.push(child);
      out.push(...child.findAll(selector));
    }
    return out;
  }
}

function fakeDocument() {
  const byId = {
    token: new FakeElement('input'),
    load: new FakeElement('button'),
    error: new FakeElement('p'),
    rows: new FakeElement('tbody'),
  };
  return {
    byId,
    getElementById: (id: string) => byId[id as keyof typeof byId],
    createElement: (tag: string) => new FakeElement(tag),
  };
}

type Integration = Record<string, unknown> & { provider: string; status: string };

/** The gateway's `providers` answer: each provider's own account field, as its adapter declares it. */
const PROVIDERS = [
  {
    provider: 'SHOPIFY',
    displayName: 'Shopify',
    configured: true,
    accountFields: [{ name: 'storeName', title: 'Store name', example: 'mystore', message: '…' }],
  },
  {
    provider: 'KLAVIYO',
    displayName: 'Klaviyo',
    configured: true,
    accountFields: [{ name: 'companyId', title: 'Company ID', example: 'AbC123', message: '…' }],
  },
  { provider: 'OPENAI', displayName: 'OpenAI', configured: true, accountFields: [] },
];

/** A stand-in gateway: answers the list from `integrations`, and each mutation with the next queued answer. */
function fakeGateway(integrations: Integration[]) {
  const answers: unknown[] = [];
  const requests: Array<{ query: string; variables?: Record<string, any> }> = [];
  const fetchFn = async (_url: string, init: { body: string }) => {
    const body = JSON.parse(init.body);
    requests.push(body);
    const answer = body.query.startsWith('mutation')
      ? answers.shift()
      : { data: { providers: PROVIDERS, organization: { name: 'Acme', integrations } } };
    return { json: async () => answer };
  };
  return { fetchFn, answers, requests };
}

function storage(token = 'a-token') {
  const values = new Map([['switchboard.token', token]]);
  return {
    getItem: (k: string) => values.get(k) ?? null,
    setItem: (k: string, v: string) => values.set(k, v),
  };
}

const SHOPIFY_DISCONNECTED: Integration = {
  provider: 'SHOPIFY',
  status: 'DISCONNECTED',
  configured: true,
  errorMessage: null,
  account: [],
};
const KLAVIYO_CONNECTED: Integration = {
  provider: 'KLAVIYO',
  status: 'CONNECTED',
  configured: true,
  errorMessage: null,
  account: [{ name: 'companyId', value: 'AbC123' }],
};

async function mountPage(integrations: Integration[]) {
  const doc = fakeDocument();
  const gateway = fakeGateway(integrations);
  const mounted = page.mount(doc, gateway.fetchFn, storage());
  await mounted.ready;
  const names: Record<string, string> = Object.fromEntries(PROVIDERS.map((p) => [p.provider, p.displayName]));
  const row = (provider: string) =>
    doc.byId.rows.findAll('tr').find((tr) => tr.textContent.startsWith(names[provider]!))!;
  const button = (provider: string, label: string) =>
    row(provider)
      .findAll('button')
      .find((b) => b.textContent === label)!;
  const message = (provider: string) => row(provider).findAll('.row-error')[0]!.textContent;
  const input = (provider: string) => row(provider).findAll('input')[0]!;
  return { doc, gateway, row, button, message, input };
}

test('a rejected Connect keeps its error next to the row and the typed value after the reload', async () => {
  const p = await mountPage([SHOPIFY_DISCONNECTED, KLAVIYO_CONNECTED]);
  p.input('SHOPIFY').value = 'not a store!';
  p.input('SHOPIFY').oninput!();
  p.gateway.answers.push({
    data: null,
    errors: [{ message: 'storeName is not a Shopify store name', extensions: { code: 'BAD_USER_INPUT' } }],
  });
  await p.button('SHOPIFY', 'Connect').onclick!();

  // The action sent what was typed, then the page reloaded the list (a second list request).
  const [, connect, reload] = p.gateway.requests as [unknown, { variables: unknown }, { query: string }];
  expect(connect.variables).toEqual({ input: { shopify: { storeName: 'not a store!' } } });
  expect(reload.query).toContain('integrations');
  expect(p.message('SHOPIFY')).toBe('storeName is not a Shopify store name (BAD_USER_INPUT)');
  expect(p.input('SHOPIFY').value).toBe('not a store!');
  expect(p.message('KLAVIYO')).toBe('');
  expect(p.doc.byId.error.textContent).toBe('');
});

test("a member's FORBIDDEN on Disconnect stays until the user acts again", async () => {
  const p = await mountPage([SHOPIFY_DISCONNECTED, KLAVIYO_CONNECTED]);
  p.gateway.answers.push({
    data: null,
    errors: [{ message: 'Only organization admins may do this', extensions: { code: 'FORBIDDEN' } }],
  });
  await p.button('KLAVIYO', 'Disconnect').onclick!();
  expect(p.message('KLAVIYO')).toBe('Only organization admins may do this (FORBIDDEN)');

  // Another reload (the Load button) is acting again: the old message goes.
  await p.doc.byId.load.onclick!();
  expect(p.message('KLAVIYO')).toBe('');
});

test('a Test answer with both the integration and an error code shows the error on that row', async () => {
  const p = await mountPage([{ ...KLAVIYO_CONNECTED, status: 'ERROR', errorMessage: 'key revoked' }]);
  p.gateway.answers.push({
    data: { testIntegration: { integration: { __typename: 'KlaviyoIntegration' } } },
    errors: [{ message: 'Klaviyo is not configured', extensions: { code: 'PROVIDER_NOT_CONFIGURED' } }],
  });
  await p.button('KLAVIYO', 'Test').onclick!();
  expect(p.message('KLAVIYO')).toBe('Klaviyo is not configured (PROVIDER_NOT_CONFIGURED)');
  expect(p.row('KLAVIYO').findAll('.msg')[0]!.textContent).toBe('key revoked');
});

test('a successful Connect clears the row message and shows the stored identifier', async () => {
  const shopify: Integration = { ...SHOPIFY_DISCONNECTED };
  const integrations = [shopify];
  const p = await mountPage(integrations);
  p.input('SHOPIFY').value = 'acme';
  p.input('SHOPIFY').oninput!();
  p.gateway.answers.push({
    data: { connectIntegration: { integration: { __typename: 'ShopifyIntegration' } } },
  });
  Object.assign(shopify, { status: 'CONNECTED', account: [{ name: 'storeName', value: 'acme-stored' }] });
  await p.button('SHOPIFY', 'Connect').onclick!();
  expect(p.message('SHOPIFY')).toBe('');
  expect(p.input('SHOPIFY').value).toBe('acme-stored');
  expect(p.input('SHOPIFY').disabled).toBe(true);
});

test('a provider the platform has not configured shows so, with Connect disabled', async () => {
  const p = await mountPage([{ ...SHOPIFY_DISCONNECTED, configured: false }, KLAVIYO_CONNECTED]);
  expect(p.row('SHOPIFY').textContent).toContain('not configured by the platform');
  expect(p.button('SHOPIFY', 'Connect').disabled).toBe(true);
  expect(p.input('SHOPIFY').disabled).toBe(true);
  expect(p.row('KLAVIYO').textContent).not.toContain('not configured');
});

test('an expired token on Load says where a new one comes from', async () => {
  const state = page.applyList(page.emptyState(), {
    errors: [{ message: 'Invalid token', extensions: { code: 'UNAUTHENTICATED' } }],
  });
  expect(state.page).toMatch(/Invalid token \(UNAUTHENTICATED\).*npm run token/);
});

test('state functions: a reload keeps row errors and typed values', () => {
  let state = page.setTyped(page.emptyState(), 'SHOPIFY', 'typed');
  state = page.applyResult(state, 'SHOPIFY', 'connect', {
    errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }],
  });
  state = page.applyList(state, { data: {} });
  const view = page.rowView(SHOPIFY_DISCONNECTED, state.rows.SHOPIFY, PROVIDERS[0]);
  expect(view.message).toBe('bad (BAD_USER_INPUT)');
  expect(view.input.value).toBe('typed');
  state = page.startAction(state);
  expect(page.rowView(SHOPIFY_DISCONNECTED, state.rows.SHOPIFY, PROVIDERS[0])).toMatchObject({
    message: '',
    input: { value: 'typed' },
  });
});

test("a failed Test (an answer with errorCode) shows the integration's message and the code", async () => {
  const p = await mountPage([KLAVIYO_CONNECTED]);
  p.gateway.answers.push({
    data: {
      testIntegration: {
        errorCode: 'UPSTREAM_AUTH_FAILED',
        integration: { errorMessage: 'Klaviyo rejected the gateway credentials.' },
      },
    },
  });
  await p.button('KLAVIYO', 'Test').onclick!();
  expect(p.message('KLAVIYO')).toBe('Klaviyo rejected the gateway credentials. (UPSTREAM_AUTH_FAILED)');
});

test("the account box is labelled and exampled from the provider's own field, not from the page", async () => {
  const p = await mountPage([SHOPIFY_DISCONNECTED, KLAVIYO_CONNECTED]);
  expect(p.input('SHOPIFY').attributes.get('aria-label')).toBe('Store name');
  expect(p.input('SHOPIFY').placeholder).toBe('e.g. mystore');
  expect(p.input('KLAVIYO').value).toBe('AbC123');
  expect(page.variablesFor('connect', SHOPIFY_DISCONNECTED, 'acme', PROVIDERS[0])).toEqual({
    input: { shopify: { storeName: 'acme' } },
  });
  expect(page.variablesFor('connect', { provider: 'OPENAI' }, undefined, PROVIDERS[2])).toEqual({
    input: { openai: {} },
  });
});

test('a read-only card (Stripe: the billing view) offers no Connect, Test or Disconnect; its status and message show', () => {
  const stripe = {
    provider: 'STRIPE',
    displayName: 'Stripe',
    configured: true,
    connectable: false,
    accountFields: [],
  };
  for (const integration of [
    { provider: 'STRIPE', status: 'DISCONNECTED', configured: true, errorMessage: null, account: [] },
    { provider: 'STRIPE', status: 'ERROR', configured: true, errorMessage: 'A payment failed.', account: [] },
  ]) {
    const view = page.rowView(integration, undefined, stripe);
    expect(view.actions).toEqual([]);
    expect(view.status).toBe(integration.status);
    expect(view.statusMessage).toBe(integration.errorMessage ?? '');
  }
  // Every other provider keeps its actions.
  expect(
    page.rowView(SHOPIFY_DISCONNECTED, undefined, PROVIDERS[0]).actions.map((a: any) => a.action),
  ).toEqual(['connect']);
});
