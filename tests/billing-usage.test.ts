/**
 * Usage reporting to Stripe on both engines (PGlite, and PostgreSQL with DATABASE_URL), against the
 * Stripe simulator through the official SDK: AI tokens and messages sent reach Stripe as meter events
 * exactly once — across a Stripe outage in the middle of reporting (the job queue retrying), a crash
 * between the claim and Stripe's answer, and usage recorded after a report. An organization without
 * a Stripe customer reports nothing and loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { StripeClient, type MeterEventInput } from '../src/datasources/stripe/stripe.client';
import { billingUsage } from '../src/billing/billing-usage';
import { usageMeters } from '../src/billing/usage-meters';
import { UsageReportsRepo } from '../src/billing/usage-reports.repo';
import { UsageReporter, type MeterEventSender } from '../src/billing/usage-reporter';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';
import { startStripeSimulator, type StripeSimulator } from './support/stripe-simulator';

let stripe: StripeSimulator;
/** Reporting run by the tests themselves (JOBS_WORKER off). */
let gw: TestGateway;
/** Reporting run by the job queue: the periodic sweep and the organization's jobs. */
let worker: TestGateway;

const stripeEnv = () => ({
  STRIPE_SECRET_KEY: stripe.secretKey,
  STRIPE_PUBLISHABLE_KEY: 'pk_test_simulated',
  STRIPE_WEBHOOK_SECRET: 'whsec_simulated',
  STRIPE_API_BASE_URL: stripe.baseUrl,
  STRIPE_METER_AI_TOKENS: 'sb_ai_tokens',
  // One SDK retry keeps an outage's failing attempts short.
  UPSTREAM_MAX_RETRIES: '1',
});

beforeAll(async () => {
  stripe = await startStripeSimulator();
  gw = await startTestGateway({ ...stripeEnv(), JOBS_WORKER: 'off' });
  worker = await startTestGateway({
    ...stripeEnv(),
    BILLING_USAGE_INTERVAL_MS: '250',
    JOBS_POLL_INTERVAL_MS: '50',
    JOBS_BACKOFF_BASE_MS: '100',
  });
});

afterAll(async () => {
  await gw?.close();
  await worker?.close();
  await stripe?.close();
});

afterEach(() => {
  // Every meter event the gateway sent was valid (documented rules, fixture shape).
  expect(stripe.violations).toEqual([]);
});

/** A reporter over the gateway's own repo, billing and Stripe client; `sender` wraps the client. */
const reporterOf = (
  target: TestGateway,
  sender: (real: MeterEventSender) => MeterEventSender = (real) => real,
) => {
  const { services } = target.gateway;
  return new UsageReporter({
    repo: new UsageReportsRepo(target.db),
    meters: usageMeters(services.config),
    customers: services.billing,
    stripe: sender(services.billing.stripe!),
    jobs: services.jobs,
    jobRunner: services.jobRunner,
    intervalMs: 60_000,
    logger: services.logger,
  });
};

const total = (customerId: string, eventName: string) =>
  stripe.meterTotals()[`${eventName}:${customerId}`] ?? 0;
const sentTo = (customerId: string) =>
  stripe.requests.filter(
    (r) => r.path === '/v1/billing/meter_events' && r.body.payload?.stripe_customer_id === customerId,
  );

async function newOrganization(
  target: TestGateway,
  withCustomer: boolean,
): Promise<{ orgId: string; customerId: string }> {
  const orgId = newOrgId();
  const customerId = `cus_${randomUUID().replaceAll('-', '').slice(0, 14)}`;
  await target.db('organizations').insert({ id: orgId, name: 'Usage Org' });
  if (withCustomer) {
    await target.db('billing_accounts').insert({ organization_id: orgId, stripe_customer_id: customerId });
  }
  return { orgId, customerId };
}

async function recordTokens(target: TestGateway, orgId: string, ...calls: Array<[number, number]>) {
  for (const [input, output] of calls) {
    await target.db('ai_usage').insert({
      organization_id: orgId,
      request_id: `req-${randomUUID()}`,
      model: 'gpt-4o-mini',
      input_tokens: input,
      output_tokens: output,
    });
  }
  return calls.reduce((n, [i, o]) => n + i + o, 0);
}

/** Messages in these statuses; returns how many count as sent (outbound, neither pending nor failed). */
async function recordMessages(
  target: TestGateway,
  orgId: string,
  statuses: string[],
  direction = 'outbound',
) {
  let conversation = (await target.db('conversations').where({ organization_id: orgId }).first()) as
    { id: string } | undefined;
  if (!conversation) {
    [conversation] = (await target
      .db('conversations')
      .insert({ organization_id: orgId, channel: 'messenger', account_key: 'page-1', contact_id: 'psid-1' })
      .returning('id')) as Array<{ id: string }>;
  }
  for (const status of statuses) {
    await target.db('messages').insert({
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

const reports = (target: TestGateway, orgId: string) =>
  target.db('usage_reports').where({ organization_id: orgId }).orderBy('created_at') as Promise<
    Array<{ state: string; identifier: string; attempts: number; last_error: string | null }>
  >;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('usage reporting through the job queue', () => {
  it('a Stripe outage in the middle loses nothing: after recovery Stripe’s totals equal the usage recorded, exactly', async () => {
    const { orgId, customerId } = await newOrganization(worker, true);
    let tokens = await recordTokens(worker, orgId, [120, 30], [7, 0], [0, 0]);
    let sent = await recordMessages(worker, orgId, [
      'sent',
      'delivered',
      'read',
      'queued',
      'pending',
      'failed',
    ]);
    await recordMessages(worker, orgId, ['received'], 'inbound');
    await waitFor(
      'the first report',
      async () => total(customerId, 'sb_ai_tokens') === tokens && total(customerId, 'messages_sent') === sent,
    );
    expect([tokens, sent]).toEqual([157, 4]);

    // Stripe answers 503: the claimed report stays pending, its job fails and is retried.
    stripe.outage = 503;
    tokens += await recordTokens(worker, orgId, [50, 25]);
    sent += await recordMessages(worker, orgId, ['sent']);
    await waitFor('a report refused by the outage', async () =>
      (await reports(worker, orgId)).some((r) => r.state === 'pending' && r.attempts >= 2),
    );
    const failedJob = await worker
      .db('jobs')
      .where({ queue: 'billing-usage', singleton_key: `org:${orgId}` })
      .whereNotNull('last_error')
      .first();
    expect(failedJob?.last_error).toBe('Stripe is unavailable; retry later.');
    tokens += await recordTokens(worker, orgId, [3, 4]);
    sent += await recordMessages(worker, orgId, ['delivered', 'sent']);
    expect(total(customerId, 'sb_ai_tokens')).toBe(157);

    // Stripe answers again: reporting resumes by itself, and every unit arrives once.
    stripe.outage = undefined;
    await waitFor(
      'recovery',
      async () =>
        (await reports(worker, orgId)).every((r) => r.state === 'sent') && sentTo(customerId).length > 0,
    );
    await waitFor(
      'the totals',
      async () => total(customerId, 'sb_ai_tokens') === tokens && total(customerId, 'messages_sent') === sent,
    );
    expect([tokens, sent]).toEqual([239, 7]);
    // A few more sweeps change nothing.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(total(customerId, 'sb_ai_tokens')).toBe(239);
    expect(total(customerId, 'messages_sent')).toBe(7);
  });
});

describe('usage reporting, exactly once', () => {
  it('a crash between the claim and Stripe’s answer re-sends the same identifier after a restart; Stripe counts it once', async () => {
    const { orgId, customerId } = await newOrganization(gw, true);
    const tokens = await recordTokens(gw, orgId, [400, 100], [10, 10]);
    // Stripe accepts the event; the process dies before it hears so.
    const crashing = reporterOf(gw, (real) => ({
      async createMeterEvent(input: MeterEventInput) {
        await real.createMeterEvent(input);
        throw new Error('crash before the answer');
      },
    }));
    await expect(crashing.reportOrganization(orgId)).rejects.toThrow('crash before the answer');
    const [claimed] = await reports(gw, orgId);
    expect(claimed).toMatchObject({ state: 'pending' });

    // A new process: the pending report goes out first, under its original identifier.
    await reporterOf(gw).reportOrganization(orgId);
    expect(sentTo(customerId).map((r) => r.body.identifier)).toEqual([
      claimed!.identifier,
      claimed!.identifier,
    ]);
    expect(total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect((await reports(gw, orgId)).map((r) => r.state)).toEqual(['sent']);
  });

  it('Stripe unreachable (connection refused) leaves the report pending; the next run sends it once', async () => {
    const { orgId, customerId } = await newOrganization(gw, true);
    const tokens = await recordTokens(gw, orgId, [21, 21]);
    const closed = new StripeClient(
      {
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: 'whsec_simulated',
        STRIPE_API_BASE_URL: 'http://127.0.0.1:9',
      },
      { timeoutMs: 2000, maxNetworkRetries: 0 },
    );
    await expect(reporterOf(gw, () => closed).reportOrganization(orgId)).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(await reports(gw, orgId)).toMatchObject([{ state: 'pending', attempts: 1 }]);
    expect(sentTo(customerId)).toHaveLength(0);

    await reporterOf(gw).reportOrganization(orgId);
    expect(total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect(sentTo(customerId)).toHaveLength(1);
  });

  it('usage recorded after a report is counted in the next one', async () => {
    const { orgId, customerId } = await newOrganization(gw, true);
    const reporter = reporterOf(gw);
    await recordTokens(gw, orgId, [10, 5]);
    await reporter.reportOrganization(orgId);
    await recordTokens(gw, orgId, [1, 2]);
    await reporter.reportOrganization(orgId);
    await reporter.reportOrganization(orgId);
    const events = sentTo(customerId);
    expect(events.map((r) => r.body.payload.value)).toEqual(['15', '3']);
    expect(new Set(events.map((r) => r.body.identifier)).size).toBe(2);
    expect(total(customerId, 'sb_ai_tokens')).toBe(18);
  });

  it('an organization without a Stripe customer reports nothing and loses nothing', async () => {
    const { orgId, customerId } = await newOrganization(gw, false);
    const tokens = await recordTokens(gw, orgId, [60, 40]);
    const sent = await recordMessages(gw, orgId, ['sent']);
    expect(await reporterOf(gw).reportOrganization(orgId)).toEqual({ reports: 0 });
    expect(sentTo(customerId)).toHaveLength(0);
    expect(await reports(gw, orgId)).toHaveLength(0);

    // It subscribes later: the usage so far goes out with its first reports.
    await gw.db('billing_accounts').insert({ organization_id: orgId, stripe_customer_id: customerId });
    await reporterOf(gw).reportOrganization(orgId);
    expect(total(customerId, 'sb_ai_tokens')).toBe(tokens);
    expect(total(customerId, 'messages_sent')).toBe(sent);
  });

  it('usage this period counts what was recorded and what Stripe accepted', async () => {
    const { orgId } = await newOrganization(gw, true);
    await recordTokens(gw, orgId, [5, 5]);
    await reporterOf(gw).reportOrganization(orgId);
    await recordTokens(gw, orgId, [1, 1]);
    await recordMessages(gw, orgId, ['sent', 'failed']);
    expect(await billingUsage(gw.gateway.services, orgId, null)).toEqual([
      { meter: 'ai_tokens', quantity: 12, reported: 10 },
      { meter: 'messages_sent', quantity: 1, reported: 0 },
    ]);
    // The same through GraphQL, for any member.
    const { body } = await gw.graphql(
      `query { organization { billing { usage { meter quantity reported } } } }`,
      {},
      await gw.token(orgId, 'member'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.organization.billing.usage).toEqual([
      { meter: 'ai_tokens', quantity: 12, reported: 10 },
      { meter: 'messages_sent', quantity: 1, reported: 0 },
    ]);
  });

  it('usage recorded enqueues one billing-usage job per organization for the batch interval', async () => {
    const { orgId } = await newOrganization(gw, true);
    const reporter = reporterOf(gw);
    await reporter.usageRecorded(orgId);
    await reporter.usageRecorded(orgId);
    const jobs = await gw.db('jobs').where({ queue: 'billing-usage', singleton_key: `org:${orgId}` });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'pending', payload: { organizationId: orgId } });
  });
});
