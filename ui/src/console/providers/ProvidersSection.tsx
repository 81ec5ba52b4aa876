import { useCallback, useEffect, useState } from 'react';
import type { ConnectIntegrationInput, ConsoleProvidersQuery, Provider } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { CONNECT, DISCONNECT, PROVIDERS, TEST } from './operations';
import { ProviderCard, type CardResult } from './ProviderCard';

/** How often the cards reload on their own, so a status changed elsewhere shows up. */
const RELOAD_MS = 30_000;

/**
 * One card per provider. The list reloads after every action and every RELOAD_MS; what an action
 * answered lives beside the list, not in it, so a reload never wipes a message the user has yet
 * to read.
 */
export function ProvidersSection({
  orgId,
  canAdmin,
  autoReload,
}: {
  orgId: string | null;
  canAdmin: boolean;
  autoReload: boolean;
}) {
  const [data, setData] = useState<ConsoleProvidersQuery>();
  const [loadError, setLoadError] = useState('');
  const [loads, setLoads] = useState(0);
  const [results, setResults] = useState<Partial<Record<Provider, CardResult>>>({});

  const reload = useCallback(async () => {
    try {
      setData(await request(PROVIDERS, { orgId }));
      setLoadError('');
    } catch (error) {
      setLoadError(describeError(error));
    }
    setLoads((n) => n + 1);
  }, [orgId]);

  useEffect(() => {
    void reload();
    if (!autoReload) return undefined;
    const timer = setInterval(() => void reload(), RELOAD_MS);
    return () => clearInterval(timer);
  }, [reload, autoReload]);

  const setResult = (provider: Provider, result: CardResult | undefined) =>
    setResults((all) => ({ ...all, [provider]: result }));

  const connect = async (provider: Provider, values: Record<string, string>) => {
    setResult(provider, undefined);
    try {
      // The input's member for a provider is its enum value in lower case (`shopify: { storeName }`),
      // its fields the provider's accountFields: built from the server's own description.
      const input = { [provider.toLowerCase()]: values } as unknown as ConnectIntegrationInput;
      await request(CONNECT, { input });
      await reload();
      return undefined;
    } catch (error) {
      return describeError(error);
    }
  };

  const test = async (provider: Provider, name: string) => {
    setResult(provider, undefined);
    try {
      const { testIntegration } = await request(TEST, { provider });
      const message =
        'errorMessage' in testIntegration.integration ? testIntegration.integration.errorMessage : null;
      setResult(
        provider,
        testIntegration.errorCode
          ? {
              ok: false,
              text: `Test failed: ${message ?? 'the provider refused the call.'} (${testIntegration.errorCode})`,
            }
          : { ok: true, text: `Test passed: ${name} answered.` },
      );
    } catch (error) {
      setResult(provider, { ok: false, text: `Test failed: ${describeError(error)}` });
    }
    await reload();
  };

  const disconnect = async (provider: Provider, name: string) => {
    setResult(provider, undefined);
    try {
      await request(DISCONNECT, { provider });
      setResult(provider, { ok: true, text: `${name} disconnected.` });
    } catch (error) {
      setResult(provider, { ok: false, text: `Disconnect failed: ${describeError(error)}` });
    }
    await reload();
  };

  const integrations = data?.organization.integrations ?? [];
  return (
    <section id="integrations" aria-labelledby="integrations-title" data-loads={loads}>
      <div className="section-head">
        <h2 id="integrations-title">Integrations</h2>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {!canAdmin && data && (
        <p className="hint">Read-only: only an administrator connects, tests or disconnects.</p>
      )}
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      {!data && !loadError && <p role="status">Loading integrations…</p>}
      <div className="grid">
        {data?.providers.map((info) => (
          <ProviderCard
            key={info.provider}
            info={info}
            integration={integrations.find((i) => 'provider' in i && i.provider === info.provider)}
            canAdmin={canAdmin}
            result={results[info.provider]}
            onConnect={(values) => connect(info.provider, values)}
            onTest={() => test(info.provider, info.displayName)}
            onDisconnect={() => disconnect(info.provider, info.displayName)}
          />
        ))}
      </div>
    </section>
  );
}
