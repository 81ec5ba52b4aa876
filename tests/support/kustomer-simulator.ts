/**
 * A local Kustomer for the gateway's tests. Kustomer publishes no machine-readable contract
 * (contracts/kustomer/README.md), so requests are checked against the documented shapes and
 * every deviation is recorded in `violations` (tests assert it stays empty):
 * - base URL per organization: `{KUSTOMER_API_BASE_URL}` is `http://127.0.0.1:PORT/{subdomain}` here,
 *   standing in for https://{subdomain}.api.kustomerapp.com;
 * - `Authorization: Bearer <key>` (a wrong key gets 401)
 *   https://developer.kustomer.com/kustomer-api-docs/reference/authentication ;
 * - paging: `page` from 1 and `pageSize` 1..100; answers carry `meta {page, pageSize, total, totalPages}`
 *   and `links {self, first, prev, next, last}` https://developer.kustomer.com/docs/concepts/pagination ;
 * - rate limit headers `x-ratelimit-limit` / `x-ratelimit-remaining` on every answer
 *   https://developer.kustomer.com/kustomer-api-docs/reference/rate-limiting ;
 * - endpoints and bodies: customers by id / `email=` / `phone=` (reference/getcustomerbyid,
 *   getcustomerbyemail, getcustomerbyphone), GET /v1/customers (getcustomers), a customer's conversations
 *   (getconversationsbycustomer), a conversation and its messages (getconversationbyid,
 *   getmessagesbyconversation), POST /v1/conversations with `customer`, `name`, `status`
 *   (open|snoozed|done), `priority` (1..5), `assignedUsers`, `assignedTeams`, `tags`
 *   (createaconversation), notes with `body` (createanotewithinconversation, createanote).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;

export interface KustomerRequestRecord {
  method: string;
  subdomain: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface KustomerSimulator {
  /** For KUSTOMER_API_BASE_URL. */
  baseUrlTemplate: string;
  apiKey: string;
  requests: KustomerRequestRecord[];
  violations: string[];
  conversations: Json[];
  notes: Json[];
  /** The live fixtures the GET endpoints answer from (restored by `reset`); tests may edit them. */
  fixtures(): { customers: Json[]; conversations: Json[]; messages: Json[] };
  /** x-ratelimit-remaining for the next answers (counts down by one per request). */
  rateLimitRemaining: number;
  /**
   * Kustomer's org-wide limit, when the simulator enforces one (option `rateLimit`): requests across
   * every subdomain in a fixed window aligned to the clock; past it, 429 (counted in `refused429`).
   */
  refused429: number;
  /** Fails the next `times` calls, after letting `skip` calls through. */
  failNext(status: number, options?: { times?: number; retryAfterSeconds?: number; skip?: number }): void;
  reset(): void;
  close(): Promise<void>;
}

export const oid = (prefix: string, n: number) => `${prefix}${String(n).padStart(24 - prefix.length, '0')}`;
export const CUSTOMER_ID = oid('c0', 1);
export const CONVERSATION_ID = oid('a0', 1);
const T0 = Date.parse('2026-02-01T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const OBJECT_ID = /^[a-f0-9]{24}$/;

function fixtures() {
  const customers = [1, 2, 3].map((n) => ({
    type: 'customer',
    id: oid('c0', n),
    attributes: {
      name: `Customer ${n}`,
      displayName: `Customer ${n}`,
      externalId: `ext-${n}`,
      emails: [{ email: `customer${n}@example.com`, type: 'home' }],
      phones: [{ phone: `+1500555000${n}`, type: 'mobile' }],
      createdAt: at(n),
      updatedAt: at(n + 10),
      lastActivityAt: at(n + 20),
    },
  }));
  const conversations = Array.from({ length: 25 }, (_, i) =>
    conversation(oid('a0', i + 1), customers[0]!.id, {
      name: `Question ${i + 1}`,
      status: i % 3 === 0 ? 'done' : 'open',
      priority: 3,
    }),
  );
  const messages = Array.from({ length: 5 }, (_, i) => ({
    type: 'message',
    id: oid('b0', i + 1),
    attributes: {
      channel: 'email',
      direction: i % 2 === 0 ? 'in' : 'out',
      subject: 'Where is my order?',
      preview: i % 2 === 0 ? 'Hi, where is my order?' : 'It ships tomorrow.',
      status: 'received',
      sentAt: at(100 + i),
      createdAt: at(100 + i),
    },
    relationships: {
      conversation: { data: { type: 'conversation', id: CONVERSATION_ID } },
      customer: { data: { type: 'customer', id: customers[0]!.id } },
    },
  }));
  return { customers, conversations, messages };
}

function conversation(id: string, customer: string, attributes: Json) {
  return {
    type: 'conversation',
    id,
    attributes: {
      channels: ['email'],
      messageCount: 0,
      noteCount: 0,
      assignedUsers: [],
      assignedTeams: [],
      tags: [],
      createdAt: at(50),
      updatedAt: at(60),
      ...attributes,
    },
    relationships: { customer: { data: { type: 'customer', id: customer } } },
  };
}

export async function startKustomerSimulator(
  options: { apiKey?: string; subdomains?: string[]; rateLimit?: { limit: number; windowMs: number } } = {},
): Promise<KustomerSimulator> {
  const window = { index: -1, count: 0 };
  const subdomains = new Set(options.subdomains ?? ['acme']);
  let data = fixtures();
  const failures: Array<{ status: number; retryAfterSeconds?: number } | null> = [];
  const sim: KustomerSimulator = {
    baseUrlTemplate: '',
    apiKey: options.apiKey ?? 'kustomer-test-key',
    requests: [],
    violations: [],
    conversations: [],
    notes: [],
    rateLimitRemaining: 1000,
    refused429: 0,
    fixtures: () => data,
    failNext(status, { times = 1, retryAfterSeconds, skip = 0 } = {}) {
      for (let i = 0; i < skip; i++) failures.push(null);
      for (let i = 0; i < times; i++)
        failures.push(retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds });
    },
    reset() {
      data = fixtures();
      sim.requests.length = 0;
      sim.violations.length = 0;
      sim.conversations.length = 0;
      sim.notes.length = 0;
      sim.rateLimitRemaining = 1000;
      sim.refused429 = 0;
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
        send(res, 500, { errors: [{ status: 500, title: 'Internal error' }] });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.baseUrlTemplate = `${origin}/{subdomain}`;

  function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    sim.rateLimitRemaining = Math.max(0, sim.rateLimitRemaining - 1);
    res.writeHead(status, {
      ...headers,
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': String(sim.rateLimitRemaining),
      ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  const error = (status: number, title: string) => ({
    errors: [{ status, code: title.toLowerCase().replace(/ /g, '_'), title }],
  });

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', origin);
    const [, subdomain = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const query = Object.fromEntries(url.searchParams);
    let body: Json | undefined;
    const where = `${req.method} ${path}`;
    if (text) {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        sim.violations.push(`${where}: body is not JSON`);
      }
      if (!String(req.headers['content-type']).startsWith('application/json'))
        sim.violations.push(`${where}: content-type must be application/json`);
    }
    sim.requests.push({ method: req.method ?? '', subdomain, path, query, headers: req.headers, body });
    if (!subdomains.has(subdomain)) return send(res, 401, error(401, 'Unauthorized'));
    if (!req.headers.authorization?.startsWith('Bearer '))
      sim.violations.push(`${where}: Authorization must be "Bearer <API key>"`);
    if (req.headers.authorization !== `Bearer ${sim.apiKey}`)
      return send(res, 401, error(401, 'Unauthorized'));
    checkPaging(where, query);
    if (options.rateLimit) {
      const index = Math.floor(Date.now() / options.rateLimit.windowMs);
      if (index !== window.index) Object.assign(window, { index, count: 0 });
      window.count += 1;
      if (window.count > options.rateLimit.limit) {
        sim.refused429 += 1;
        return send(res, 429, error(429, 'Too Many Requests'), { 'retry-after': '1' });
      }
    }
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
      return send(res, failure.status, error(failure.status, 'Injected failure'), headers);
    }
    const answer = route(req.method ?? 'GET', path, url, query, body, where);
    send(res, answer.status, answer.body);
  }

  function checkPaging(where: string, query: Record<string, string>) {
    for (const key of Object.keys(query))
      if (!['page', 'pageSize'].includes(key))
        sim.violations.push(`${where}: unexpected query parameter ${key}`);
    if (query.page !== undefined && !(Number.isInteger(Number(query.page)) && Number(query.page) >= 1))
      sim.violations.push(`${where}: page must be an integer from 1`);
    if (
      query.pageSize !== undefined &&
      !(
        Number.isInteger(Number(query.pageSize)) &&
        Number(query.pageSize) >= 1 &&
        Number(query.pageSize) <= 100
      )
    ) {
      sim.violations.push(`${where}: pageSize must be 1..100`);
    }
  }

  function list(url: URL, query: Record<string, string>, items: Json[]) {
    const page = Number(query.page ?? 1);
    const pageSize = Number(query.pageSize ?? 100);
    const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
    const link = (p: number) => `${url.pathname}?page=${p}&pageSize=${pageSize}`;
    return {
      status: 200,
      body: {
        data: items.slice((page - 1) * pageSize, page * pageSize),
        meta: { page, pageSize, total: items.length, totalPages },
        links: {
          self: link(page),
          first: link(1),
          prev: page > 1 ? link(page - 1) : null,
          next: page < totalPages ? link(page + 1) : null,
          last: link(totalPages),
        },
      },
    };
  }

  function route(
    method: string,
    path: string,
    url: URL,
    query: Record<string, string>,
    body: Json | undefined,
    where: string,
  ): { status: number; body?: unknown } {
    const notFound = { status: 404, body: error(404, 'Not Found') };
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/v1/customers') return list(url, query, data.customers);
    if (method === 'GET' && (m = /^\/v1\/customers\/(email|phone)=(.+)$/.exec(path))) {
      const value = decodeURIComponent(m[2]!);
      const found = data.customers.find((c) =>
        m![1] === 'email'
          ? c.attributes.emails.some((e) => e.email === value)
          : c.attributes.phones.some((p) => p.phone === value),
      );
      return found ? { status: 200, body: { data: found } } : notFound;
    }
    if (method === 'GET' && (m = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      const found = data.customers.find((c) => c.id === m![1]);
      return found ? { status: 200, body: { data: found } } : notFound;
    }
    if (method === 'GET' && (m = /^\/v1\/customers\/([^/]+)\/conversations$/.exec(path))) {
      if (!data.customers.some((c) => c.id === m![1])) return notFound;
      return list(
        url,
        query,
        data.conversations.filter((c) => c.relationships.customer.data.id === m![1]),
      );
    }
    if (method === 'GET' && (m = /^\/v1\/conversations\/([^/]+)$/.exec(path))) {
      const found = data.conversations.find((c) => c.id === m![1]);
      return found ? { status: 200, body: { data: found } } : notFound;
    }
    if (method === 'GET' && (m = /^\/v1\/conversations\/([^/]+)\/messages$/.exec(path))) {
      if (!data.conversations.some((c) => c.id === m![1])) return notFound;
      return list(
        url,
        query,
        data.messages.filter((x) => x.relationships.conversation.data.id === m![1]),
      );
    }
    if (method === 'POST' && path === '/v1/conversations') return createConversation(body ?? {}, where);
    if (method === 'POST' && (m = /^\/v1\/conversations\/([^/]+)\/notes$/.exec(path))) {
      const conv = data.conversations.find((c) => c.id === m![1]);
      if (!conv) return notFound;
      return createNote(body ?? {}, where, {
        conversation: conv.id,
        customer: conv.relationships.customer.data.id,
      });
    }
    if (method === 'POST' && path === '/v1/notes') {
      if (!OBJECT_ID.test(String(body?.customer)))
        sim.violations.push(`${where}: customer must be a customer id`);
      return createNote(body ?? {}, where, { customer: String(body?.customer) });
    }
    sim.violations.push(`${where}: not a Kustomer endpoint the simulator knows`);
    return notFound;
  }

  function createConversation(body: Json, where: string) {
    const allowed = ['customer', 'name', 'status', 'priority', 'assignedUsers', 'assignedTeams', 'tags'];
    for (const key of Object.keys(body))
      if (!allowed.includes(key)) sim.violations.push(`${where}: unexpected field ${key}`);
    if (!OBJECT_ID.test(String(body.customer)))
      sim.violations.push(`${where}: customer must be a customer id`);
    if (typeof body.name !== 'string') sim.violations.push(`${where}: name must be a string`);
    if (body.status !== undefined && !['open', 'snoozed', 'done'].includes(body.status))
      sim.violations.push(`${where}: status must be open, snoozed or done`);
    if (
      body.priority !== undefined &&
      !(Number.isInteger(body.priority) && body.priority >= 1 && body.priority <= 5)
    )
      sim.violations.push(`${where}: priority must be 1..5`);
    for (const key of ['assignedUsers', 'assignedTeams', 'tags']) {
      if (
        body[key] !== undefined &&
        !(Array.isArray(body[key]) && body[key].every((v: unknown) => OBJECT_ID.test(String(v))))
      ) {
        sim.violations.push(`${where}: ${key} must be an array of ids`);
      }
    }
    if (!data.customers.some((c) => c.id === body.customer))
      return { status: 404, body: error(404, 'Not Found') };
    const created = conversation(oid('d0', sim.conversations.length + 1), body.customer, {
      name: body.name,
      status: body.status ?? 'open',
      priority: body.priority ?? 3,
      assignedUsers: body.assignedUsers ?? [],
      assignedTeams: body.assignedTeams ?? [],
      tags: body.tags ?? [],
    });
    sim.conversations.push(body);
    data.conversations.push(created);
    return { status: 201, body: { data: created } };
  }

  function createNote(body: Json, where: string, related: { conversation?: string; customer: string }) {
    for (const key of Object.keys(body))
      if (!['body', 'customer'].includes(key)) sim.violations.push(`${where}: unexpected field ${key}`);
    if (typeof body.body !== 'string' || body.body === '')
      sim.violations.push(`${where}: body must be a non-empty string`);
    sim.notes.push(body);
    return {
      status: 201,
      body: {
        data: {
          type: 'note',
          id: oid('e0', sim.notes.length),
          attributes: { body: body.body, createdAt: at(500), updatedAt: at(500) },
          relationships: {
            customer: { data: { type: 'customer', id: related.customer } },
            ...(related.conversation
              ? { conversation: { data: { type: 'conversation', id: related.conversation } } }
              : {}),
          },
        },
      },
    };
  }

  return sim;
}
