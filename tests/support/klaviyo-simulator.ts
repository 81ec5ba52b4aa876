/**
 * A local Klaviyo for the gateway's tests: a `node:http` server that checks every request against
 * Klaviyo's published OpenAPI document (revision 2026-07-15, contracts/klaviyo/stable.json)
 * and answers with JSON:API bodies that are themselves validated against the same document.
 *
 * Every problem is recorded in `violations`; tests assert it is empty after each test, so one invalid
 * request fails the test that caused it. Checked per request:
 * - the operation exists (method + path);
 * - parameters, including the required `revision` header and `company_id`, and the JSON body schema
 *   (openapi-backend + Ajv);
 * - JSON:API media types: `content-type: application/vnd.api+json` on bodies, `accept` naming it
 *   (https://developers.klaviyo.com/en/reference/api_overview);
 * - credentials: `/api/` calls carry `Authorization: Klaviyo-API-Key <key>` (a wrong key gets 401, as
 *   Klaviyo answers); `/client/` calls carry no Authorization header at all, since they are meant to be
 *   public (https://developers.klaviyo.com/en/docs/authenticate_).
 *
 * Fault injection: `failNext(status, { retryAfterSeconds, times })` answers the next calls with that
 * status and a JSON:API error body (plus `Retry-After` on 429, as Klaviyo sends).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { at, createKlaviyoData, profileId, type KlaviyoData, type ProfileRecord } from './klaviyo-fixtures';
import { klaviyoApi } from './klaviyo-spec';

export interface KlaviyoRequestRecord {
  method: string;
  path: string;
  operationId: string | undefined;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface KlaviyoSimulator {
  url: string;
  privateKey: string;
  companyId: string;
  data: KlaviyoData;
  requests: KlaviyoRequestRecord[];
  violations: string[];
  /** What the write endpoints received. */
  subscriptions: unknown[];
  unsubscriptions: unknown[];
  events: unknown[];
  failNext(status: number, options?: { retryAfterSeconds?: number; times?: number }): void;
  reset(): void;
  close(): Promise<void>;
}

type Json = Record<string, any>;
const JSON_API = 'application/vnd.api+json';

export async function startKlaviyoSimulator(
  options: { privateKey?: string; companyId?: string } = {},
): Promise<KlaviyoSimulator> {
  const api = await klaviyoApi();
  const failures: Array<{ status: number; retryAfterSeconds?: number }> = [];
  const sim: KlaviyoSimulator = {
    url: '',
    privateKey: options.privateKey ?? 'pk_test_simulator_key',
    companyId: options.companyId ?? 'AbC123',
    data: createKlaviyoData(),
    requests: [],
    violations: [],
    subscriptions: [],
    unsubscriptions: [],
    events: [],
    failNext(status, { retryAfterSeconds, times = 1 } = {}) {
      for (let i = 0; i < times; i++)
        failures.push(retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds });
    },
    reset() {
      sim.data = createKlaviyoData();
      sim.requests.length = 0;
      sim.violations.length = 0;
      sim.subscriptions.length = 0;
      sim.unsubscriptions.length = 0;
      sim.events.length = 0;
      failures.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        sim.violations.push(`simulator crashed on ${req.method} ${req.url}: ${(error as Error).stack}`);
        send(res, 500, errors(500, 'Internal error'));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', sim.url);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        sim.violations.push(`${req.method} ${url.pathname}: body is not JSON`);
      }
    }
    const request = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers as Json,
      body,
    };
    const operation = api.matchOperation(request);
    sim.requests.push({ ...request, operationId: operation?.operationId });
    const where = `${request.method} ${url.pathname}`;
    if (!operation) {
      sim.violations.push(`${where}: no such operation in Klaviyo's OpenAPI document`);
      return send(res, 404, errors(404, 'Not found'));
    }
    const result = api.validateRequest(request, operation);
    for (const e of result.errors ?? [])
      sim.violations.push(`${where} (${operation.operationId}): ${e.instancePath} ${e.message}`);
    if (body !== undefined && req.headers['content-type'] !== JSON_API) {
      sim.violations.push(`${where}: content-type must be ${JSON_API}, got ${req.headers['content-type']}`);
    }
    if (!String(req.headers.accept ?? '').includes(JSON_API))
      sim.violations.push(`${where}: accept must name ${JSON_API}`);
    const isClient = url.pathname.startsWith('/client/');
    const authorization = req.headers.authorization;
    if (isClient) {
      if (authorization !== undefined)
        sim.violations.push(`${where}: a /client/ call must not carry an Authorization header`);
      if (query.company_id !== sim.companyId) return send(res, 400, errors(400, 'Invalid company_id'));
    } else {
      if (!authorization?.startsWith('Klaviyo-API-Key ')) {
        sim.violations.push(`${where}: Authorization must be "Klaviyo-API-Key <private key>"`);
      }
      if (authorization !== `Klaviyo-API-Key ${sim.privateKey}`) {
        return send(res, 401, errors(401, 'Incorrect authentication credentials.'));
      }
    }
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      return send(res, failure.status, errors(failure.status, 'Injected failure'), headers);
    }
    const answer = route(operation.operationId ?? '', url, query, body as Json);
    if (answer.body !== undefined && answer.status < 300) {
      const check = api.validateResponse(answer.body, operation, answer.status);
      for (const e of check.errors ?? [])
        sim.violations.push(
          `simulator answer to ${operation.operationId} is invalid: ${e.instancePath} ${e.message}`,
        );
    }
    send(res, answer.status, answer.body);
  }

  function route(
    operationId: string,
    url: URL,
    query: Record<string, any>,
    body: Json,
  ): { status: number; body?: unknown } {
    const id = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    const d = sim.data;
    switch (operationId) {
      case 'get_accounts':
        return { status: 200, body: { data: [account()], links: { self: `${sim.url}/api/accounts` } } };
      case 'get_lists':
        return page(url, query, d.lists, 10, listResource);
      case 'get_list': {
        const list = d.lists.find((l) => l.id === id);
        return list
          ? { status: 200, body: { data: listResource(list), links: { self: `${sim.url}/api/lists/${id}` } } }
          : notFound();
      }
      case 'get_profiles_for_list': {
        const list = d.lists.find((l) => l.id === id);
        if (!list) return notFound();
        return page(url, query, members(list.members), 20, (p) => profileResource(p, true));
      }
      case 'get_segments':
        return page(url, query, d.segments, 10, segmentResource);
      case 'get_segment': {
        const segment = d.segments.find((s) => s.id === id);
        return segment
          ? {
              status: 200,
              body: { data: segmentResource(segment), links: { self: `${sim.url}/api/segments/${id}` } },
            }
          : notFound();
      }
      case 'get_profiles_for_segment': {
        const segment = d.segments.find((s) => s.id === id);
        if (!segment) return notFound();
        return page(url, query, members(segment.members), 20, (p) => profileResource(p, true));
      }
      case 'get_profile': {
        const profile = d.profiles.find((p) => p.id === id);
        return profile
          ? {
              status: 200,
              body: { data: profileResource(profile), links: { self: `${sim.url}/api/profiles/${id}` } },
            }
          : notFound();
      }
      case 'get_profiles': {
        const filter = /^equals\((email|phone_number|external_id),"([^"]*)"\)$/.exec(
          String(query.filter ?? ''),
        );
        if (query.filter !== undefined && !filter)
          return { status: 400, body: errors(400, 'Unsupported filter') };
        const matching = filter
          ? d.profiles.filter((p) => p[filter[1] as 'email'] === filter[2])
          : d.profiles;
        return page(url, query, matching, 20, (p) => profileResource(p));
      }
      case 'get_campaigns': {
        const channel = /equals\(messages\.channel,'(email|sms|mobile_push)'\)/.exec(
          String(query.filter ?? ''),
        );
        if (!channel) return { status: 400, body: errors(400, 'A channel filter is required') };
        return page(
          url,
          query,
          d.campaigns.filter((c) => c.channel === channel[1]),
          100,
          campaignResource,
        );
      }
      case 'get_campaign': {
        const campaign = d.campaigns.find((c) => c.id === id);
        return campaign
          ? {
              status: 200,
              body: { data: campaignResource(campaign), links: { self: `${sim.url}/api/campaigns/${id}` } },
            }
          : notFound();
      }
      case 'get_metrics':
        return page(url, query, d.metrics, 200, metricResource);
      case 'query_campaign_values':
        return campaignValues(body);
      case 'create_or_update_profile':
        return upsertProfile(body);
      case 'create_client_subscription':
        sim.subscriptions.push(body);
        return { status: 202 };
      case 'bulk_unsubscribe_profiles':
        sim.unsubscriptions.push(body);
        return { status: 202 };
      case 'create_client_event':
        sim.events.push(body);
        return { status: 202 };
      default:
        sim.violations.push(`simulator does not implement ${operationId}`);
        return { status: 501, body: errors(501, 'Not implemented') };
    }
  }

  function members(ids: string[]) {
    return ids
      .map((pid) => sim.data.profiles.find((p) => p.id === pid))
      .filter((p): p is ProfileRecord => Boolean(p));
  }

  /** Cursor paging as Klaviyo does it: `page[cursor]` + `page[size]`, `links.self/next/prev`. */
  function page<T>(
    url: URL,
    query: Record<string, any>,
    items: T[],
    defaultSize: number,
    map: (item: T) => Json,
  ) {
    const size = query['page[size]'] ? Number(query['page[size]']) : defaultSize;
    const cursor = query['page[cursor]'] as string | undefined;
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString().replace('offset:', '')) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return { status: 400, body: errors(400, 'Invalid page cursor') };
    const link = (o: number) => {
      const u = new URL(url.pathname, sim.url);
      for (const [k, v] of Object.entries(query)) if (k !== 'page[cursor]') u.searchParams.set(k, String(v));
      u.searchParams.set('page[cursor]', Buffer.from(`offset:${o}`).toString('base64url'));
      return u.toString();
    };
    const links: Json = { self: `${sim.url}${url.pathname}${url.search}` };
    if (offset + size < items.length) links.next = link(offset + size);
    if (offset > 0) links.prev = link(Math.max(0, offset - size));
    return { status: 200, body: { data: items.slice(offset, offset + size).map(map), links } };
  }

  function account(): Json {
    return {
      type: 'account',
      id: sim.companyId,
      attributes: {
        test_account: false,
        contact_information: {
          default_sender_name: 'Acme',
          default_sender_email: 'news@acme.example',
          website_url: 'https://acme.example',
          organization_name: 'Acme Inc.',
          street_address: {
            address1: '1 Main St',
            address2: null,
            city: 'Boston',
            region: 'MA',
            country: 'US',
            zip: '02110',
          },
        },
        industry: 'Retail',
        timezone: 'America/New_York',
        preferred_currency: 'USD',
        public_api_key: sim.companyId,
        locale: 'en-US',
      },
      links: { self: `${sim.url}/api/accounts/${sim.companyId}` },
    };
  }

  const listResource = (l: KlaviyoData['lists'][number]) => ({
    type: 'list',
    id: l.id,
    attributes: { name: l.name, created: at(-1000), updated: at(-10), opt_in_process: l.opt_in_process },
    links: { self: `${sim.url}/api/lists/${l.id}` },
  });

  const segmentResource = (s: KlaviyoData['segments'][number]) => ({
    type: 'segment',
    id: s.id,
    attributes: {
      name: s.name,
      created: at(-900),
      updated: at(-5),
      is_active: true,
      is_processing: false,
      is_starred: s.id === 'SEG001',
    },
    links: { self: `${sim.url}/api/segments/${s.id}` },
  });

  const profileResource = (p: ProfileRecord, joined = false) => ({
    type: 'profile',
    id: p.id,
    attributes: {
      email: p.email,
      phone_number: p.phone_number,
      external_id: p.external_id,
      first_name: p.first_name,
      last_name: p.last_name,
      organization: null,
      locale: null,
      title: null,
      image: null,
      created: p.created,
      updated: p.updated,
      last_event_date: null,
      location: {
        city: 'Boston',
        region: 'MA',
        country: 'US',
        zip: '02110',
        timezone: 'America/New_York',
        address1: null,
        address2: null,
        ip: null,
      },
      properties: p.properties,
      ...(joined ? { joined_group_at: p.created } : {}),
    },
    links: { self: `${sim.url}/api/profiles/${p.id}` },
  });

  const campaignResource = (c: KlaviyoData['campaigns'][number]) => ({
    type: 'campaign',
    id: c.id,
    attributes: {
      name: c.name,
      status: c.status,
      archived: false,
      audiences: { included: ['LST001'], excluded: [] },
      send_options: { use_smart_sending: true },
      send_strategy: c.send_time ? { method: 'static', datetime: c.send_time } : { method: 'immediate' },
      created_at: at(100),
      scheduled_at: c.send_time,
      updated_at: at(200),
      send_time: c.send_time,
    },
    relationships: {
      'campaign-messages': { data: [{ type: 'campaign-message', id: `${c.id}M1` }] },
    },
    links: { self: `${sim.url}/api/campaigns/${c.id}` },
  });

  const metricResource = (m: KlaviyoData['metrics'][number]) => ({
    type: 'metric',
    id: m.id,
    attributes: {
      name: m.name,
      created: m.created === undefined ? at(-2000) : m.created,
      updated: m.updated === undefined ? at(-1) : m.updated,
      integration: { name: m.integration },
    },
    links: { self: `${sim.url}/api/metrics/${m.id}` },
  });

  function campaignValues(body: Json) {
    const attributes = body?.data?.attributes ?? {};
    const match = /^equals\(campaign_id,"([^"]+)"\)$/.exec(String(attributes.filter ?? ''));
    const campaign = match ? sim.data.campaigns.find((c) => c.id === match[1]) : undefined;
    if (!sim.data.metrics.some((m) => m.id === attributes.conversion_metric_id))
      return { status: 400, body: errors(400, 'Unknown conversion metric') };
    const statistics = Object.fromEntries(
      (attributes.statistics as string[]).map((s, i) => [
        s,
        s.endsWith('rate') ? 0.1 * (i + 1) : 100 * (i + 1),
      ]),
    );
    const results = campaign
      ? [
          {
            groupings: {
              campaign_id: campaign.id,
              campaign_message_id: `${campaign.id}M1`,
              send_channel: campaign.channel,
            },
            statistics,
          },
        ]
      : [];
    return {
      status: 200,
      body: {
        data: { type: 'campaign-values-report', attributes: { results } },
        links: { self: `${sim.url}/api/campaign-values-reports` },
      },
    };
  }

  function upsertProfile(body: Json) {
    const a = body?.data?.attributes ?? {};
    const d = sim.data;
    let profile = d.profiles.find(
      (p) =>
        (a.email && p.email === a.email) ||
        (a.phone_number && p.phone_number === a.phone_number) ||
        (a.external_id && p.external_id === a.external_id),
    );
    const created = !profile;
    if (!profile) {
      profile = {
        id: profileId(d.profiles.length + 1),
        email: null,
        phone_number: null,
        external_id: null,
        first_name: null,
        last_name: null,
        properties: {},
        created: at(10_000),
        updated: at(10_000),
      };
      d.profiles.push(profile);
    }
    for (const key of ['email', 'phone_number', 'external_id', 'first_name', 'last_name'] as const)
      if (a[key] !== undefined) profile[key] = a[key];
    if (a.properties) profile.properties = { ...profile.properties, ...a.properties };
    profile.updated = at(10_001);
    return {
      status: created ? 201 : 200,
      body: { data: profileResource(profile), links: { self: `${sim.url}/api/profile-import` } },
    };
  }

  return sim;
}

const notFound = () => ({ status: 404, body: errors(404, 'Not found.') });

/** Klaviyo's JSON:API error document. */
function errors(status: number, detail: string) {
  return {
    errors: [
      {
        id: 'e0c8b5de-0000-4000-8000-000000000000',
        status,
        code: status === 401 ? 'not_authenticated' : 'error',
        title: detail,
        detail,
        source: { pointer: '/data/' },
      },
    ],
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    ...headers,
    ...(body !== undefined ? { 'content-type': JSON_API } : {}),
    ...(status !== 429
      ? { 'ratelimit-limit': '750', 'ratelimit-remaining': '749', 'ratelimit-reset': '30' }
      : {}),
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
