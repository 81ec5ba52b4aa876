/**
 * A Stripe API stand-in for the endpoints billing uses. Every POST body (form-encoded, as the SDK
 * sends it) is validated against Stripe's published 2023-08-16 document where the endpoint exists
 * there (customers, checkout/sessions, billing_portal/sessions, subscriptions/{id}); meter events,
 * newer than that document, are checked against the documented facts and the `billing.meter_event`
 * sample of fixtures3.json. Violations are recorded in `violations` (a clean run means every request
 * was valid). Answers are fixtures3.json's sample objects with the request's values.
 *
 * Like Stripe: a repeated Idempotency-Key replays the first answer (different parameters under the
 * same key are refused with 400 idempotency_error), and a meter event identifier counts once.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contractPath } from './contracts';
import { decodeStripeForm, stripeRequestViolations } from './stripe-spec';

type Json = Record<string, any>;

export interface StripeRequestRecord {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: Json;
}

export interface StripeSimulator {
  /** For STRIPE_API_BASE_URL. */
  baseUrl: string;
  secretKey: string;
  requests: StripeRequestRecord[];
  violations: string[];
  customers: Map<string, Json>;
  subscriptions: Map<string, Json>;
  /** Accepted meter events, one per identifier. */
  meterEvents: Json[];
  /** Sum of accepted values per `event_name` and customer (`<event>:<customer>`). */
  meterTotals(): Record<string, number>;
  /** While set, every request answers this status (a Stripe outage: 500, 503...). */
  outage: number | undefined;
  /** A subscription object (fixtures3.json's, with these fields) Stripe would hold. */
  putSubscription(fields: Json): Json;
  reset(): void;
  close(): Promise<void>;
}

let fixtures: Json | undefined;
/** fixtures3.json's sample object of a type (a deep copy). */
export function stripeFixture(type: string): Json {
  fixtures ??= (JSON.parse(readFileSync(contractPath('stripe', 'fixtures3.json'), 'utf8')) as Json).resources;
  const sample = fixtures![type];
  if (!sample) throw new Error(`fixtures3.json has no ${type}`);
  return structuredClone(sample) as Json;
}

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

export async function startStripeSimulator(options: { secretKey?: string } = {}): Promise<StripeSimulator> {
  const secretKey = options.secretKey ?? 'sk_test_simulated_0001';
  const requests: StripeRequestRecord[] = [];
  const violations: string[] = [];
  const customers = new Map<string, Json>();
  const subscriptions = new Map<string, Json>();
  const meterEvents: Json[] = [];
  const identifiers = new Set<string>();
  const replays = new Map<string, { fingerprint: string; status: number; body: Json }>();

  function putSubscription(fields: Json): Json {
    const subscription = { ...stripeFixture('subscription'), id: id('sub'), ...fields };
    subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** The endpoints: [status, body]. */
  function answer(method: string, path: string, body: Json): [number, Json] {
    if (method === 'POST' && path === '/v1/customers') {
      check('/v1/customers', body);
      const customer = {
        ...stripeFixture('customer'),
        id: id('cus'),
        created: now(),
        ...pick(body, ['name', 'email', 'metadata']),
      };
      customers.set(customer.id, customer);
      return [200, customer];
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      check('/v1/checkout/sessions', body);
      if (!customers.has(body.customer)) return missing('customer', body.customer);
      const sessionId = id('cs_test');
      return [
        200,
        {
          ...stripeFixture('checkout.session'),
          id: sessionId,
          customer: body.customer,
          mode: body.mode,
          client_reference_id: body.client_reference_id ?? null,
          success_url: body.success_url,
          cancel_url: body.cancel_url ?? null,
          status: 'open',
          subscription: null,
          url: `https://checkout.stripe.test/c/pay/${sessionId}`,
        },
      ];
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      check('/v1/billing_portal/sessions', body);
      if (!customers.has(body.customer)) return missing('customer', body.customer);
      const sessionId = id('bps');
      return [
        200,
        {
          ...stripeFixture('billing_portal.session'),
          id: sessionId,
          customer: body.customer,
          return_url: body.return_url ?? null,
          flow: null,
          url: `https://billing.stripe.test/p/session/${sessionId}`,
        },
      ];
    }
    const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (subscription) {
      const current = subscriptions.get(decodeURIComponent(subscription[1]!));
      if (!current) return missing('subscription', subscription[1]);
      if (method === 'GET') return [200, current];
      check('/v1/subscriptions/{subscription_exposed_id}', body);
      if (body.cancel_at_period_end !== undefined)
        current.cancel_at_period_end = body.cancel_at_period_end === 'true';
      return [200, current];
    }
    if (method === 'POST' && path === '/v1/billing/meter_events') return meterEvent(body);
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } },
    ];
  }

  /** Stripe's documented rules for v1 meter events (https://docs.stripe.com/api/billing/meter-event/create). */
  function meterEvent(body: Json): [number, Json] {
    const sample = stripeFixture('billing.meter_event');
    for (const key of Object.keys(body)) {
      if (!['event_name', 'payload', 'identifier', 'timestamp'].includes(key)) {
        violations.push(`POST /v1/billing/meter_events: unknown parameter ${key}`);
      }
    }
    const payload = body.payload as Json | undefined;
    const problems: string[] = [];
    if (typeof body.event_name !== 'string' || !body.event_name || body.event_name.length > 100)
      problems.push('event_name');
    if (
      !payload ||
      typeof payload.stripe_customer_id !== 'string' ||
      !/^cus_/.test(payload.stripe_customer_id)
    ) {
      problems.push('payload.stripe_customer_id');
    }
    if (!payload || typeof payload.value !== 'string' || !/^\d+$/.test(payload.value))
      problems.push('payload.value (a whole number)');
    if (
      body.identifier !== undefined &&
      (typeof body.identifier !== 'string' || body.identifier.length > 100)
    ) {
      problems.push('identifier (at most 100 characters)');
    }
    const timestamp = Number(body.timestamp);
    if (
      body.timestamp !== undefined &&
      (!/^\d+$/.test(String(body.timestamp)) || timestamp < now() - 35 * 86400 || timestamp > now() + 300)
    ) {
      problems.push('timestamp (within the past 35 days and 5 minutes ahead)');
    }
    if (problems.length) {
      violations.push(`POST /v1/billing/meter_events: invalid ${problems.join(', ')}`);
      return [400, { error: { type: 'invalid_request_error', message: `Invalid ${problems[0]}` } }];
    }
    const identifier = (body.identifier as string | undefined) ?? id('mev');
    const event = {
      ...sample,
      created: now(),
      event_name: body.event_name,
      identifier,
      payload: { stripe_customer_id: payload!.stripe_customer_id, value: payload!.value },
      timestamp: body.timestamp !== undefined ? timestamp : now(),
    };
    // Stripe enforces identifier uniqueness over a rolling window: a repeat is not counted again.
    if (!identifiers.has(identifier)) {
      identifiers.add(identifier);
      meterEvents.push(event);
    }
    return [200, event];
  }

  function check(path: string, body: Json) {
    violations.push(...stripeRequestViolations(path, body));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', 'http://stripe.invalid');
    const method = req.method ?? 'GET';
    const body = method === 'GET' ? {} : decodeStripeForm(text);
    const idempotencyKey = header(req, 'idempotency-key');
    requests.push({ method, path: url.pathname, idempotencyKey, body });
    if (header(req, 'authorization') !== `Bearer ${secretKey}`) {
      return send(res, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' },
      });
    }
    if (simulator.outage) {
      return send(res, simulator.outage, {
        error: { type: 'api_error', message: 'Stripe is down (simulated).' },
      });
    }
    if (method === 'POST' && !idempotencyKey)
      violations.push(`POST ${url.pathname} without an Idempotency-Key`);
    const replayKey = idempotencyKey && `${idempotencyKey}`;
    const fingerprint = `${method} ${url.pathname} ${text}`;
    if (replayKey && replays.has(replayKey)) {
      const first = replays.get(replayKey)!;
      if (first.fingerprint !== fingerprint) {
        return send(res, 400, {
          error: {
            type: 'idempotency_error',
            message: 'Keys for idempotent requests can only be used with the same parameters.',
          },
        });
      }
      return send(res, first.status, first.body, { 'idempotent-replayed': 'true' });
    }
    const [status, answerBody] = answer(method, url.pathname, body);
    if (replayKey && method === 'POST' && status < 500)
      replays.set(replayKey, { fingerprint, status, body: answerBody });
    send(res, status, answerBody);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const simulator: StripeSimulator = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secretKey,
    requests,
    violations,
    customers,
    subscriptions,
    meterEvents,
    outage: undefined,
    meterTotals() {
      const totals: Record<string, number> = {};
      for (const e of meterEvents) {
        const key = `${e.event_name}:${e.payload.stripe_customer_id}`;
        totals[key] = (totals[key] ?? 0) + Number(e.payload.value);
      }
      return totals;
    },
    putSubscription,
    reset() {
      requests.length = 0;
      violations.length = 0;
      meterEvents.length = 0;
      identifiers.clear();
      simulator.outage = undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return simulator;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function pick(body: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

function missing(kind: string, value: unknown): [number, Json] {
  return [
    400,
    {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such ${kind}: '${String(value)}'`,
      },
    },
  ];
}
