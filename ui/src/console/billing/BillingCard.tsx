import { useCallback, useEffect, useId, useState } from 'react';
import { graphql } from '../../gql';
import type { ConsoleBillingQuery } from '../../gql/graphql';
import { describeError, request } from '../api/client';
import { when } from '../layout/time';

const BILLING = graphql(`
  query ConsoleBilling($orgId: ID) {
    billingPlans {
      name
    }
    organization(id: $orgId) {
      id
      billing {
        configured
        plan
        status
        currentPeriodEnd
        cancelAtPeriodEnd
        paymentState
        restriction
        usage {
          meter
          quantity
          reported
        }
      }
    }
  }
`);

const CHECKOUT = graphql(`
  mutation ConsoleCheckout($plan: String!) {
    startCheckout(plan: $plan) {
      url
    }
  }
`);

const PORTAL = graphql(`
  mutation ConsolePortal {
    openBillingPortal {
      url
    }
  }
`);

const PAYMENT_WORDS = {
  NONE: 'No subscription yet',
  OK: 'Payments up to date',
  PAST_DUE: 'Payment failed: Stripe is retrying. Update the payment method in Manage billing.',
  UNPAID: 'Unpaid: Stripe stopped retrying. Update the payment method in Manage billing.',
} as const;

const RESTRICTION_WORDS = {
  NONE: '',
  READ_ONLY: 'Until the payment goes through, the organization can read but not change anything.',
  BLOCKED: 'Until the payment goes through, the organization can only reach billing.',
} as const;

const METER_WORDS: Record<string, string> = { ai_tokens: 'AI tokens', messages_sent: 'Messages sent' };

/** Plan, subscription state and this period's usage; admins subscribe or open Stripe's portal. */
export function BillingCard({ orgId, canAdmin }: { orgId: string | null; canAdmin: boolean }) {
  const id = useId();
  const [data, setData] = useState<ConsoleBillingQuery>();
  const [error, setError] = useState('');
  const [plan, setPlan] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const next = await request(BILLING, { orgId });
      setData(next);
      setPlan((current) => current || next.billingPlans[0]?.name || '');
    } catch (e) {
      setError(describeError(e));
    }
  }, [orgId]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const go = async (action: () => Promise<string>) => {
    setBusy(true);
    setError('');
    try {
      // Stripe's hosted page; it sends the user back to the console when done.
      window.location.assign(await action());
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const billing = data?.organization.billing;
  const plans = data?.billingPlans ?? [];
  // Subscribing again is for organizations without a live subscription; the portal changes plans.
  const subscribed = !!billing?.status && !['canceled', 'incomplete_expired'].includes(billing.status);
  return (
    <section id="billing" aria-labelledby="billing-title">
      <h2 id="billing-title">Billing</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p role="status">Loading billing…</p>}
      {billing && !billing.configured && (
        <p className="card muted">Billing is off: the platform has not configured Stripe.</p>
      )}
      {billing?.configured && (
        <div className="card billing">
          <dl className="facts">
            <div>
              <dt>Plan</dt>
              <dd>{billing.plan ?? 'No plan'}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {billing.status ?? 'No subscription'}
                {billing.cancelAtPeriodEnd && ' (cancels at the end of the period)'}
              </dd>
            </div>
            <div>
              <dt>Payments</dt>
              <dd>{PAYMENT_WORDS[billing.paymentState]}</dd>
            </div>
            <div>
              <dt>Period ends</dt>
              <dd>{when(billing.currentPeriodEnd, '—')}</dd>
            </div>
          </dl>
          {RESTRICTION_WORDS[billing.restriction] && (
            <p className="error">{RESTRICTION_WORDS[billing.restriction]}</p>
          )}
          <h3>Usage this period</h3>
          {billing.usage.length === 0 ? (
            <p>Nothing recorded yet.</p>
          ) : (
            <table className="usage">
              <thead>
                <tr>
                  <th scope="col">Meter</th>
                  <th scope="col">Used</th>
                  <th scope="col">Reported to Stripe</th>
                </tr>
              </thead>
              <tbody>
                {billing.usage.map((u) => (
                  <tr key={u.meter}>
                    <td>{METER_WORDS[u.meter] ?? u.meter}</td>
                    <td>{u.quantity.toLocaleString()}</td>
                    <td>{u.reported.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {canAdmin && (
            <div className="actions">
              {!subscribed && plans.length > 0 && (
                <>
                  <label htmlFor={`${id}-plan`}>Plan</label>
                  <select id={`${id}-plan`} value={plan} onChange={(e) => setPlan(e.target.value)}>
                    {plans.map((p) => (
                      <option key={p.name} value={p.name}>
                        {p.name}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    disabled={busy || !plan}
                    onClick={() => void go(async () => (await request(CHECKOUT, { plan })).startCheckout.url)}
                  >
                    Subscribe
                  </button>
                </>
              )}
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => void go(async () => (await request(PORTAL)).openBillingPortal.url)}
              >
                Manage billing
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
