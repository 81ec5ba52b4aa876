/**
 * The integrations page's logic (public/index.html). Plain script, no build step: in the browser it
 * defines `SwitchboardIntegrations`; under Node (tests) it is a CommonJS module.
 *
 * The page reloads the list after every action. What the user typed and what the last action
 * answered live in a page state that the reload does not touch, so an error stays next to its row
 * until the user acts again, and a rejected value is still in the box to be corrected.
 */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.SwitchboardIntegrations = api;
})(typeof self !== 'undefined' ? self : this, function () {
  /**
   * What each provider asks for comes from the gateway (`providers`: the adapters' own account
   * fields), never from a list in this page: a new provider shows up with nothing to change here.
   */
  const LIST = `{ providers { provider displayName configured connectable accountFields { name title example message } }
    organization { name integrations { ... on IntegrationCommon { provider status configured errorMessage lastSyncedAt account { name value } } } } }`;

  const MUTATIONS = {
    connect: `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { integration { __typename } } }`,
    test: `mutation($p: Provider!) { testIntegration(provider: $p) { errorCode integration { ... on IntegrationCommon { errorMessage } } } }`,
    disconnect: `mutation($p: Provider!) { disconnectIntegration(provider: $p) { integration { __typename } } }`,
  };

  /** `rows[provider]`: `{ typed?: string, error?: string }`; `page`: the last list load's error. */
  function emptyState() {
    return { page: '', rows: {} };
  }

  function formatErrors(errors) {
    if (!errors || errors.length === 0) return '';
    return errors
      .map((e) => {
        const code = (e.extensions && e.extensions.code) || 'ERROR';
        const hint =
          code === 'UNAUTHENTICATED' ? ' — paste a current token (development: npm run token)' : '';
        return `${e.message} (${code})${hint}`;
      })
      .join('; ');
  }

  function withRow(state, provider, change) {
    const row = Object.assign({}, state.rows[provider], change);
    return Object.assign({}, state, { rows: Object.assign({}, state.rows, { [provider]: row }) });
  }

  /** The user typed into a row's box: kept across reloads until a connect succeeds. */
  function setTyped(state, provider, value) {
    return withRow(state, provider, { typed: value });
  }

  /** The user acts again: the previous action's messages go, typed values stay. */
  function startAction(state) {
    const rows = {};
    for (const [provider, row] of Object.entries(state.rows))
      rows[provider] = Object.assign({}, row, { error: '' });
    return { page: '', rows };
  }

  /**
   * A row's action answered (`result` is the GraphQL response body, or `{ errors }` for a network
   * failure). An error is kept on that row; a success clears its message, and a successful connect
   * drops the typed value (the list now shows the stored identifier).
   */
  function applyResult(state, provider, action, result) {
    let error = formatErrors(result && result.errors);
    // A failed test answers normally, with the failure's code and the integration's message.
    const tested = result && result.data && result.data.testIntegration;
    if (!error && tested && tested.errorCode) {
      const message = (tested.integration && tested.integration.errorMessage) || 'The test failed.';
      error = `${message} (${tested.errorCode})`;
    }
    const change = { error };
    if (!error && action === 'connect') change.typed = undefined;
    return withRow(state, provider, change);
  }

  /** The list reloaded: only its own error is recorded; row messages and typed values are untouched. */
  function applyList(state, result) {
    return Object.assign({}, state, { page: formatErrors(result && result.errors) });
  }

  /** The one identifier a provider is connected by, from its `providers` entry; none for some. */
  function accountField(info) {
    return (info && info.accountFields && info.accountFields[0]) || undefined;
  }

  /** What one row shows, from the integration as listed, its provider's facts and the row's page state. */
  function rowView(integration, rowState, info) {
    const row = rowState || {};
    const field = accountField(info);
    const configured = integration.configured !== false;
    const disconnected = integration.status === 'DISCONNECTED';
    const value = field && (integration.account || []).find((v) => v.name === field.name);
    const stored = value ? value.value : '';
    // A read-only card (Stripe shows the organization's billing) has nothing to connect, test or disconnect.
    const actions =
      info && info.connectable === false
        ? []
        : disconnected
          ? [{ action: 'connect', label: 'Connect', disabled: !configured }]
          : [
              { action: 'test', label: 'Test', disabled: false },
              { action: 'disconnect', label: 'Disconnect', disabled: false },
            ];
    return {
      provider: integration.provider,
      name: (info && info.displayName) || integration.provider,
      note: configured ? '' : 'not configured by the platform',
      status: integration.status,
      statusMessage: integration.errorMessage || '',
      field,
      input: field
        ? {
            value: disconnected && row.typed !== undefined ? row.typed : stored,
            disabled: !disconnected || !configured,
            label: field.title,
            placeholder: field.example,
          }
        : { value: '(none needed)', disabled: true },
      actions,
      message: row.error || '',
    };
  }

  function variablesFor(action, integration, typed, info) {
    if (action !== 'connect') return { p: integration.provider };
    const field = accountField(info);
    const key = integration.provider.toLowerCase();
    return { input: { [key]: field ? { [field.name]: typed !== undefined ? typed : '' } : {} } };
  }

  /**
   * Wires the page: `doc` is the document, `fetchFn` a fetch, `storage` a localStorage. Returns
   * `{ load, ready, getState }`: `ready` settles when the first list (with a saved token) is shown.
   */
  function mount(doc, fetchFn, storage) {
    const $ = (id) => doc.getElementById(id);
    let state = emptyState();
    let integrations = [];
    let providerInfo = {};
    $('token').value = storage.getItem('switchboard.token') || '';

    async function gql(query, variables) {
      const token = String($('token').value).trim();
      storage.setItem('switchboard.token', token);
      try {
        const res = await fetchFn('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
          body: JSON.stringify({ query, variables }),
        });
        return await res.json();
      } catch (error) {
        return {
          errors: [
            { message: 'the gateway did not answer: ' + error.message, extensions: { code: 'NETWORK' } },
          ],
        };
      }
    }

    function el(tag, text, className) {
      const node = doc.createElement(tag);
      if (text) node.textContent = text;
      if (className) node.className = className;
      return node;
    }

    function render() {
      $('error').textContent = state.page;
      const rows = $('rows');
      rows.textContent = '';
      for (const it of integrations) {
        const view = rowView(it, state.rows[it.provider], providerInfo[it.provider]);
        const tr = el('tr');
        const name = el('td', view.name);
        if (view.note) name.append(' ', el('small', `(${view.note})`));
        const status = el('td', view.status, view.status);
        status.append(el('div', view.statusMessage, 'msg'));
        const account = el('td');
        const input = el('input');
        input.value = view.input.value;
        input.disabled = view.input.disabled;
        if (view.input.label) input.setAttribute('aria-label', view.input.label);
        if (view.input.placeholder) input.placeholder = `e.g. ${view.input.placeholder}`;
        input.oninput = () => {
          state = setTyped(state, it.provider, input.value);
        };
        account.append(input);
        const actions = el('td');
        for (const a of view.actions) {
          const button = el('button', a.label);
          button.disabled = a.disabled;
          button.onclick = () => act(it, a.action);
          actions.append(button, ' ');
        }
        actions.append(el('div', view.message, 'msg row-error'));
        tr.append(name, status, account, actions);
        rows.append(tr);
      }
    }

    async function load() {
      const result = await gql(LIST);
      state = applyList(state, result);
      if (result.data && result.data.organization) integrations = result.data.organization.integrations;
      if (result.data && result.data.providers)
        providerInfo = Object.fromEntries(result.data.providers.map((p) => [p.provider, p]));
      render();
    }

    async function act(integration, action) {
      state = startAction(state);
      render();
      const typed = (state.rows[integration.provider] || {}).typed;
      const result = await gql(
        MUTATIONS[action],
        variablesFor(action, integration, typed, providerInfo[integration.provider]),
      );
      state = applyResult(state, integration.provider, action, result);
      await load();
    }

    $('load').onclick = () => {
      state = startAction(state);
      return load();
    };
    const ready = $('token').value ? load() : Promise.resolve();
    return { load, ready, getState: () => state };
  }

  return {
    accountField,
    emptyState,
    formatErrors,
    setTyped,
    startAction,
    applyResult,
    applyList,
    rowView,
    variablesFor,
    mount,
  };
});
