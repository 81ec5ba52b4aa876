/**
 * Usage reporting to Stripe on both engines (PGlite, and PostgreSQL with DATABASE_URL): AI tokens and
 * messages sent reach Stripe as meter events exactly once — across a Stripe outage in the middle of
 * reporting, a crash between the claim and Stripe's answer, and usage recorded after a report. An
 * organization without a Stripe customer reports nothing and loses nothing.
 */
import { randomUUID } from 'node:crypto';
import type { MeterEventInput } from '../src/datasources/stripe/stripe.client';
import { usageMeters } from '../src/billing/usage-meters';
import { UsageReportsRepo } from '../src/billing/usage-reports.repo';
import { UsageReporter, type MeterEventSender } from '../src/billing/usage-reporter';
import { GatewayError } from '../src/errors/gateway-error';
import {
  newOrgId,
  PROVIDERS_CONFIGURED_OFFLINE,
  startTestGateway,
  type TestGateway,
} from './support/harness';

/** Stripe's meter-event side as the reporter sees it: an identifier is counted once (Stripe dedupes). */
class MeterSink implements MeterEventSender {
  readonly requests: MeterEventInput[] = [];
  readonly accepted = new Map<string, MeterEventInput>();
  mode: 'up' | 'down' | 'lose-answer' = 'up';

  async createMeterEvent(input: MeterEventInput): Promise<void> {
    if (this.mode === 'down') throw new GatewayError('UPSTREAM_UNAVAILABLE', 'Stripe answered 503.');
    this.requests.push(input);
    if (!this.accepted.has(input.identifier)) this.accepted.set(input.identifier, input);
    // Stripe took it, and the process died before it heard so.
    if (this.mode === 'lose-answer') throw new Error('crash before the answer');
  }

  total(customerId: string, eventName: string): number {
    return [...this.accepted.values()]
      .filter((e) => e.customerId === customerId && e.eventName === eventName)
      .reduce((n, e) => n + e.value, 0);
  }
}

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    ...PROVIDERS_CONFIGURED_OFFLINE,
    // The tests run the reporter themselves.
    JOBS_WORKER: 'off',
    STRIPE_METER_AI_TOKENS: 'sb_ai_tokens',
  });
});

afterAll(async () => {
  await gw?.close();
});

const meters = () => usageMeters(gw.gateway.services.config);
const reporterWith = (stripe: MeterEventSender) =>
  new UsageReporter({
    repo: new UsageReportsRepo(gw.db),
    meters: meters(),
    customers: gw.gateway.services.billing,
    stripe,
    jobs: gw.gateway.services.jobs,
    jobRunner: gw.gateway.services.jobRunner,
    intervalMs: 60_000,
    logger: gw.gateway.services.logger,
  });

async function newOrganization(withCustomer: boolean): Promise<{ orgId: string; customerId: string }> {
  const orgId = newOrgId();
  const customerId = `cus_${randomUUID().replaceAll('-', '').slice(0, 14)}`;
  await gw.db('organizations').insert({ id: orgId, name: 'Usage Org' });
  if (withCustomer)
    await gw.db('billing_accounts').insert({ organization_id: orgId, stripe_customer_id: customerId });
  return { orgId, customerId };
}

async function recordTokens(orgId: string, ...calls: Array<[number, number]>): Promise<number> {
  for (const [input, output] of calls) {
    await gw.db('ai_usage').insert({
      organization_id: orgId,
      request_id: `req-${randomUUID()}`,
      model: 'gpt-4o-mini',
      input_tokens: input,
      output_tokens: output,
    });
  }
  return calls.reduce((n, [i, o]) => n + i + o, 0);
}

/** Messages in each status; returns how many count as sent (outbound, neither pending nor failed). */
async function recordMessages(orgId: string, statuses: string[], direction = 'outbound'): Promise<number> {
  let conversation = (await gw.db('conversations').where({ organization_id: orgId }).first()) as
    { id: string } | undefined;
  if (!conversation) {
    [conversation] = (await gw
      .db('conversations')
      .insert({ organization_id: orgId, channel: 'messenger', account_key: 'page-1', contact_id: 'psid-1' })
      .returning('id')) as Array<{ id: string }>;
  }
  for (const status of statuses) {
    await gw.db('messages').insert({
      organization_id: orgId,
      conversation_id: conversation!.id,
      channel: 'messenger',
      direction,
      status,
      kind: 'text',
      text: 'hello',
    });
  }
  return direction === 'outbound' ? statuses.filter((s) => s !== 'pending' && s !== 'failed').length : 0;
}

const reports = (orgId: string) =>
  gw.db('usage_reports').where({ organization_id: orgId }).orderBy('created_at') as Promise<
    Array<{
      state: string;
      identifier: string;
      quantity: string | number;
      attempts: number;
      last_error: string | null;
    }>
  >;

describe('usage reporting', () => {
  it('reports AI tokens and messages sent; an outage in the middle loses nothing and counts nothing twice', async () => {
    const { orgId, customerId } = await newOrganization(true);
    const stripe = new MeterSink();
    const reporter = reporterWith(stripe);
    let tokens = await recordTokens(orgId, [120, 30], [7, 0], [0, 0]);
    let sent = await recordMessages(orgId, ['sent', 'delivered', 'read', 'queued', 'pending', 'failed']);
    await recordMessages(orgId, ['received'], 'inbound');

    await reporter.reportOrganization(orgId);
    expect(stripe.total(customerId, 'sb_ai_tokens')).toBe(157);
    expect(stripe.total(customerId, 'messages_sent')).toBe(4);

    // Stripe goes down: the report is claimed, stays pending, and the job fails (to be retried).
    tokens += await recordTokens(orgId, [50, 25]);
    sent += await recordMessages(orgId, ['sent']);
    stripe.mode = 'down';
    await expect(reporter.reportOrganization(orgId)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(reporter.reportOrganization(orgId)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const pending = (await reports(orgId)).filter((r) => r.state === 'pending');
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ attempts: 2, last_error: 'Stripe answered 503.' });

    // More usage during the outage, then Stripe answers again: everything arrives, once.
    tokens += await recordTokens(orgId, [3, 4]);
    sent += await recordMessages(orgId, ['delivered', 'sent']);
    stripe.mode = 'up';
    await reporter.reportOrganization(orgId);
    expect(stripe.total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect(stripe.total(customerId, 'messages_sent')).toBe(sent);
    expect(tokens).toBe(239);
    expect(sent).toBe(7);
    expect((await reports(orgId)).every((r) => r.state === 'sent')).toBe(true);
    // Nothing left: another run sends nothing.
    const before = stripe.requests.length;
    await reporter.reportOrganization(orgId);
    expect(stripe.requests.length).toBe(before);
  });

  it('a crash between the claim and Stripe’s answer re-sends the same identifier after a restart; Stripe counts it once', async () => {
    const { orgId, customerId } = await newOrganization(true);
    const stripe = new MeterSink();
    const tokens = await recordTokens(orgId, [400, 100], [10, 10]);
    stripe.mode = 'lose-answer';
    await expect(reporterWith(stripe).reportOrganization(orgId)).rejects.toThrow('crash before the answer');
    const [claimed] = await reports(orgId);
    expect(claimed).toMatchObject({ state: 'pending' });

    // A new process: the pending report goes out first, under its original identifier.
    stripe.mode = 'up';
    await reporterWith(stripe).reportOrganization(orgId);
    const identifiers = stripe.requests.map((r) => r.identifier);
    expect(identifiers).toEqual([claimed!.identifier, claimed!.identifier]);
    expect(stripe.total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect((await reports(orgId)).map((r) => r.state)).toEqual(['sent']);
  });

  it('usage recorded after a report is counted in the next one', async () => {
    const { orgId, customerId } = await newOrganization(true);
    const stripe = new MeterSink();
    const reporter = reporterWith(stripe);
    await recordTokens(orgId, [10, 5]);
    await reporter.reportOrganization(orgId);
    await recordTokens(orgId, [1, 2]);
    await reporter.reportOrganization(orgId);
    expect(stripe.requests.map((r) => r.value)).toEqual([15, 3]);
    expect(new Set(stripe.requests.map((r) => r.identifier)).size).toBe(2);
    expect(stripe.total(customerId, 'sb_ai_tokens')).toBe(18);
  });

  it('an organization without a Stripe customer reports nothing and loses nothing', async () => {
    const { orgId, customerId } = await newOrganization(false);
    const stripe = new MeterSink();
    const tokens = await recordTokens(orgId, [60, 40]);
    const sent = await recordMessages(orgId, ['sent']);
    expect(await reporterWith(stripe).reportOrganization(orgId)).toEqual({ reports: 0 });
    expect(stripe.requests).toHaveLength(0);
    expect(await reports(orgId)).toHaveLength(0);

    // It subscribes later: the usage so far goes out with its first report.
    await gw.db('billing_accounts').insert({ organization_id: orgId, stripe_customer_id: customerId });
    await reporterWith(stripe).reportOrganization(orgId);
    expect(stripe.total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect(stripe.total(customerId, 'messages_sent')).toBe(sent);
  });

  it('usage recorded enqueues one billing-usage job per organization for the batch interval', async () => {
    const { orgId } = await newOrganization(true);
    const reporter = reporterWith(new MeterSink());
    await reporter.usageRecorded(orgId);
    await reporter.usageRecorded(orgId);
    const jobs = await gw.db('jobs').where({ queue: 'billing-usage', singleton_key: `org:${orgId}` });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'pending', payload: { organizationId: orgId } });
  });
});
