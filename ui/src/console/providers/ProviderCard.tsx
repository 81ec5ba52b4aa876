import { useState } from 'react';
import type { ConsoleProvidersQuery } from '../../gql/graphql';
import { ConfirmDialog } from '../layout/ConfirmDialog';
import { when } from '../layout/time';
import { ClaimProof } from './ClaimProof';
import { ConnectForm } from './ConnectForm';

export type ProviderInfo = ConsoleProvidersQuery['providers'][number];
export type IntegrationState = ConsoleProvidersQuery['organization']['integrations'][number];

/** The last action's answer on a card: kept until the user acts on that card again. */
export interface CardResult {
  ok: boolean;
  text: string;
}

/** The card's state in words, and what to do about it. */
function statusOf(info: ProviderInfo, integration: IntegrationState | undefined) {
  if (!info.configured) {
    const missing = info.missingVariables.length ? ` (missing: ${info.missingVariables.join(', ')})` : '';
    return {
      key: 'unconfigured',
      label: 'Not configured by the platform',
      detail: `The platform has not set up ${info.displayName}${missing}, so no organization can use it yet. Ask the platform's operator; there is nothing to do here.`,
    };
  }
  switch (integration?.status) {
    case 'CONNECTED':
      return { key: 'connected', label: 'Connected', detail: '' };
    case 'PENDING':
      return {
        key: 'pending',
        label: 'Waiting for approval',
        detail: `The platform approves who may use a ${info.displayName} account: until then the gateway makes no call to ${info.displayName} for this organization and routes none of its webhooks here.`,
      };
    case 'ERROR':
      return {
        key: 'error',
        label: 'Error',
        detail: `${integration.errorMessage ?? 'The last call to the provider failed.'} Fix the cause at ${info.displayName} (or reconnect the right account), then press Test.`,
      };
    default:
      return info.connectable
        ? { key: 'disconnected', label: 'Not connected', detail: '' }
        : {
            key: 'disconnected',
            label: 'Nothing to connect',
            detail: `${info.displayName} needs no connection from the organization: the platform's account serves it (see Billing).`,
          };
  }
}

export function ProviderCard({
  info,
  integration,
  canAdmin,
  result,
  onConnect,
  onTest,
  onDisconnect,
}: {
  info: ProviderInfo;
  integration: IntegrationState | undefined;
  canAdmin: boolean;
  result: CardResult | undefined;
  onConnect: (values: Record<string, string>) => Promise<string | undefined>;
  onTest: () => Promise<void>;
  onDisconnect: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'' | 'test' | 'disconnect'>('');
  const status = statusOf(info, integration);
  const linked =
    integration?.status === 'CONNECTED' ||
    integration?.status === 'ERROR' ||
    integration?.status === 'PENDING';
  const headingId = `provider-${info.provider}`;
  const act = async (kind: 'test' | 'disconnect', action: () => Promise<void>) => {
    setBusy(kind);
    await action();
    setBusy('');
  };

  return (
    <article
      className={`card provider status-${status.key}`}
      aria-labelledby={headingId}
      data-provider={info.provider}
    >
      <header className="card-head">
        <h3 id={headingId}>{info.displayName}</h3>
        <span className={`badge badge-${status.key}`}>{status.label}</span>
      </header>
      {status.detail && <p className="status-detail">{status.detail}</p>}
      {canAdmin && integration?.status === 'PENDING' && (
        <ClaimProof provider={info.provider} providerName={info.displayName} />
      )}
      {linked && integration.account.length > 0 && (
        <dl className="facts">
          {integration.account.map((value) => (
            <div key={value.name}>
              <dt>{info.accountFields.find((f) => f.name === value.name)?.title ?? value.name}</dt>
              <dd>
                <code>{value.value}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <dl className="facts">
        <div>
          <dt>Last checked</dt>
          <dd>{when(integration?.lastSyncedAt)}</dd>
        </div>
      </dl>
      {info.accountFields.length > 0 && !(canAdmin && info.configured && !linked) && (
        <div className="gives">
          <h4>What the organization gives</h4>
          <ul>
            {info.accountFields.map((field) => (
              <li key={field.name}>
                <strong>{field.title}</strong>: {field.description} Example: <code>{field.example}</code>.
              </li>
            ))}
          </ul>
        </div>
      )}
      {info.features.length > 0 && (
        <details className="features">
          <summary>What it offers</summary>
          <ul>
            {info.features.map((feature) => (
              <li key={feature}>{feature}</li>
            ))}
          </ul>
        </details>
      )}
      {canAdmin && info.configured && info.connectable && !linked && (
        <ConnectForm providerName={info.displayName} fields={info.accountFields} onConnect={onConnect} />
      )}
      {canAdmin && info.configured && info.connectable && linked && (
        <div className="actions">
          <button type="button" disabled={busy !== ''} onClick={() => void act('test', onTest)}>
            {busy === 'test' ? 'Testing…' : `Test ${info.displayName}`}
          </button>
          <button type="button" className="danger" disabled={busy !== ''} onClick={() => setConfirming(true)}>
            {busy === 'disconnect' ? 'Disconnecting…' : `Disconnect ${info.displayName}`}
          </button>
        </div>
      )}
      {result && (
        <p className={result.ok ? 'result ok' : 'result error'} role="status">
          {result.text}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Disconnect ${info.displayName}?`}
        confirmLabel="Disconnect"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void act('disconnect', onDisconnect);
        }}
      >
        <p>
          The organization stops using this account, and it becomes free for another organization to connect.
          You can connect it again later.
        </p>
      </ConfirmDialog>
    </article>
  );
}
