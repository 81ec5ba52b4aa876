import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './playground.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { setUpHeaders } from './dev-headers';
import { exampleFiles } from './examples';
import { examplesPlugin } from './examples-plugin';

/**
 * GraphiQL 5 at GET /graphql, bundled from npm (no CDN: it works offline). The doc explorer is
 * GraphiQL's reference plugin; history, the query builder (explorer) and the examples are added.
 * Queries and mutations go over HTTP; subscriptions over graphql-ws on the same path, where the
 * headers editor's contents become connection_init's payload (the server reads `Authorization`).
 */
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
});
const plugins = [HISTORY_PLUGIN, explorerPlugin(), examplesPlugin];

void setUpHeaders().then(({ defaultHeaders, persist }) => {
  createRoot(document.getElementById('root')!).render(
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultHeaders={defaultHeaders}
      shouldPersistHeaders={persist}
      defaultEditorToolsVisibility="headers"
      // First visit: one tab per examples file (the gateway's, then each provider's).
      defaultTabs={exampleFiles.map((file) => ({ query: file.document, headers: defaultHeaders }))}
      visiblePlugin={examplesPlugin}
    >
      <GraphiQL.Logo>
        <span className="switchboard-brand">Switchboard GraphQL playground</span>
      </GraphiQL.Logo>
    </GraphiQL>,
  );
});
