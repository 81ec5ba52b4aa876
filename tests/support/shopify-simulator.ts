/**
 * Local Shopify Admin API simulator for the gateway's jest tests and benchmark.
 *
 * A plain `node:http` server on 127.0.0.1 that speaks enough of Shopify to exercise the gateway:
 * - `POST /{store}/admin/api/{version}/graphql.json` (also without the `/{store}` prefix → store
 *   "default"): parses and validates every query against the real Admin GraphQL 2025-01 schema and
 *   executes it over deterministic fixture data (./shopify-fixtures.ts).
 * - `POST /{store}/admin/oauth/access_token`: the client-credentials grant.
 * - Fault injection (`failNext`, `throttleNext`) and request logs for assertions.
 *
 * Shopify behaviour reproduced, and where it comes from:
 * - Endpoint + `X-Shopify-Access-Token` header: https://shopify.dev/docs/api/admin-graphql (getting started).
 * - Bad/missing token → HTTP 401 `{"errors":"[API] Invalid API key or access token (unrecognized login or
 *   wrong password)"}` (the body Shopify sends; quoted in Shopify community threads and Shopify/cli#3261).
 * - GraphQL errors (syntax/validation) → HTTP 200 with `{"errors":[{message, locations, ...}]}`; messages are
 *   graphql-js' wording, not graphql-ruby's.
 * - Calculated query cost in `extensions.cost` {requestedQueryCost, actualQueryCost, throttleStatus
 *   {maximumAvailable, currentlyAvailable, restoreRate}}; objects cost 1, scalars/enums 0, connections
 *   2 + page size × node cost, mutations 10; a query over the 1000-point single-query limit is refused
 *   (MAX_COST_EXCEEDED): https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 * - Throttled answer: `errors[0].message = "Throttled"`, `extensions.code = "THROTTLED"`, `actualQueryCost: null`
 *   (sample bodies in Shopify community threads; docs only give the message). HTTP status 200 here — the docs
 *   read don't state it (a community reply claims 429); use `failNext({status: 429})` to test that variant.
 * - Relay paging (first/after/last/before, pageInfo, edges/nodes): https://shopify.dev/docs/api/usage/pagination-graphql
 *   Shopify rejects a connection without `first`/`last` and pages larger than 250.
 * - `query:` search syntax (`field:value`, quotes, `-`/NOT, OR, comparators, `*` prefix):
 *   https://shopify.dev/docs/api/usage/search-syntax
 * - Client-credentials grant: form body `grant_type=client_credentials&client_id&client_secret` →
 *   `{"access_token","scope","expires_in":86399}`:
 *   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 *   Errors use Shopify's OAuth JSON `{"error","error_description"}` with HTTP 400 (e.g. `invalid_request`);
 *   `app_not_installed` ("The application is not installed on this shop.") as reported on
 *   community.shopify.dev for an app that isn't installed. The JSON body (JS library) is accepted too.
 */
import { createServer } from 'node:http';
import { contractPath } from './contracts';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  buildSchema,
  execute,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
} from 'graphql';
import type {
  DocumentNode,
  ExecutionResult,
  FragmentDefinitionNode,
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLResolveInfo,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { createDraftOrder, createShopifyFixtures, cursorFor, gidNumber } from './shopify-fixtures';
import type { Entity, FixtureArgs, SearchIndex, SearchValue, ShopifyStoreData } from './shopify-fixtures';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface ShopifySimulatorOptions {
  /** Fixed delay before every answer (ms), to mimic network latency in benchmarks. */
  latencyMs?: number;
  /** Token `X-Shopify-Access-Token` must equal (tokens from the client-credentials grant work too). */
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Scope string returned by the client-credentials grant. */
  scope?: string;
  /** Stores where the app is "not installed": grant → `app_not_installed`, GraphQL → 401. */
  notInstalledStores?: string[];
  /** Validate queries against the schema (default true). With false, only syntax is checked. */
  validate?: boolean;
  /** Enforce the leaky bucket (2000 points, 100/s) and throttle on exhaustion. Default false: the
   *  bucket is reported as full minus the request's cost so benchmarks are not throttled. */
  enforceRateLimit?: boolean;
  /** Reject queries whose requested cost exceeds this (Shopify: 1000 per query → MAX_COST_EXCEEDED).
   *  Default 1000; `Infinity` disables the check. */
  maxQueryCost?: number;
  /** Keep at most this many entries in `requests` (older ones are dropped). Default 10 000. */
  maxRecordedRequests?: number;
  /** Path of the Admin schema SDL; default: env SHOPIFY_ADMIN_SCHEMA_PATH, then known locations. */
  schemaPath?: string;
}

export interface RecordedRequest {
  store: string;
  path: string;
  method: string;
  endpoint: 'graphql' | 'oauth' | 'other';
  headers: IncomingHttpHeaders;
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** Parsed body: the GraphQL JSON object, or the token-request parameters. */
  body?: unknown;
  at: number;
}

export interface InvalidQuery {
  store: string;
  query: string;
  variables?: Record<string, unknown>;
  errors: string[];
}

export interface ShopifyFault {
  /** HTTP status to answer with. A status < 300 only adds `delayMs` and then answers normally. */
  status: number;
  /** `Retry-After` header value. */
  retryAfter?: string;
  /** Response body (objects are JSON-encoded); default: a Shopify-like `{"errors": ...}` body. */
  body?: unknown;
  /** How many consecutive matching requests get this fault (default 1). */
  times?: number;
  /** Wait this long before answering (slow upstream / timeouts). */
  delayMs?: number;
  /** Which endpoint the fault applies to (default 'graphql'). */
  endpoint?: 'graphql' | 'oauth' | 'any';
  /** Only requests for this store (default: any store). */
  store?: string;
}

export interface IssuedToken {
  store: string;
  accessToken: string;
  scope: string;
  expiresAt: number;
}

export interface ShopifySimulator {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/{store}` — the gateway's SHOPIFY_API_BASE_URL. */
  readonly baseUrlTemplate: string;
  readonly requests: RecordedRequest[];
  readonly invalidQueries: InvalidQuery[];
  readonly issuedTokens: IssuedToken[];
  /** `Type.field` names where a non-null field had no fixture data and a placeholder was returned. */
  readonly defaultedFields: Set<string>;
  close(): Promise<void>;
  /** Clears logs (incl. the `issuedTokens` log), counters, faults and throttles; restores fixture
   *  data. Tokens already issued stay valid until they expire. */
  reset(): void;
  failNext(fault: ShopifyFault): void;
  /** Answer the next `times` (default 1) valid GraphQL requests with Shopify's throttle response. */
  throttleNext(times?: number): void;
  /** GraphQL requests received (all outcomes), for one store or in total. */
  graphqlCalls(store?: string): number;
  /** The live fixture data of a store (created on first use). */
  fixtures(store?: string): ShopifyStoreData;
  /** Make every issued client-credentials token expire now (tests token refresh). */
  expireIssuedTokens(): void;
}

export const DEFAULT_ACCESS_TOKEN = 'shpat_test_token';
export const DEFAULT_CLIENT_ID = 'test-client-id';
export const DEFAULT_CLIENT_SECRET = 'test-client-secret';
export const DEFAULT_SCOPE =
  'read_products,write_products,read_inventory,read_locations,read_orders,read_customers,read_draft_orders,write_draft_orders';
export const INVALID_TOKEN_BODY = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
} as const;
/** Token lifetime Shopify documents for the client-credentials grant (seconds). */
export const CLIENT_CREDENTIALS_EXPIRES_IN = 86_399;
export const MAX_PAGE_SIZE = 250;
export const BUCKET_MAXIMUM = 2000;
export const BUCKET_RESTORE_RATE = 100;
/** Shopify's single-query cost ceiling (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). */
export const MAX_SINGLE_QUERY_COST = 1000;

// ---------------------------------------------------------------------------------------------
// Schema and query caches (module level: built once per process, shared by all simulators)
// ---------------------------------------------------------------------------------------------

const SCHEMA_FILE = 'admin_schema_2025-01.graphql';
let cachedSchema: { path: string; schema: GraphQLSchema } | undefined;

function schemaCandidates(explicit?: string): string[] {
  return [explicit, process.env.SHOPIFY_ADMIN_SCHEMA_PATH, contractPath('shopify', SCHEMA_FILE)].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
}

/** The Admin API 2025-01 schema, built lazily once per process (~0.3 s). */
export function getShopifyAdminSchema(schemaPath?: string): GraphQLSchema {
  if (cachedSchema && (schemaPath === undefined || schemaPath === cachedSchema.path))
    return cachedSchema.schema;
  const candidates = schemaCandidates(schemaPath);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Shopify Admin schema not found; tried: ${candidates.join(', ')}`);
  // The SDL was printed by graphql-js from Shopify's introspection result and validates cleanly,
  // so skip SDL/schema validation (saves time on a 2.5 MB schema).
  const schema = buildSchema(readFileSync(found, 'utf8'), { assumeValidSDL: true, assumeValid: true });
  cachedSchema = { path: found, schema };
  return schema;
}

interface PreparedQuery {
  document?: DocumentNode;
  syntaxErrors: readonly GraphQLError[];
  /** Validation errors, computed on first use (only when validation is on). */
  validationErrors?: readonly GraphQLError[];
  fragments: Map<string, FragmentDefinitionNode>;
  operations: OperationDefinitionNode[];
}

const QUERY_CACHE_LIMIT = 2000;
const queryCache = new Map<string, PreparedQuery>();

function prepareQuery(schema: GraphQLSchema, query: string, withValidation: boolean): PreparedQuery {
  let prepared = queryCache.get(query);
  if (!prepared) {
    if (queryCache.size >= QUERY_CACHE_LIMIT) queryCache.clear();
    try {
      const document = parse(query);
      const fragments = new Map<string, FragmentDefinitionNode>();
      const operations: OperationDefinitionNode[] = [];
      for (const def of document.definitions) {
        if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
        else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
      }
      prepared = { document, syntaxErrors: [], fragments, operations };
    } catch (error) {
      const gqlError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      prepared = { syntaxErrors: [gqlError], fragments: new Map(), operations: [] };
    }
    queryCache.set(query, prepared);
  }
  if (withValidation && prepared.document && !prepared.validationErrors) {
    prepared.validationErrors = validate(schema, prepared.document);
  }
  return prepared;
}

// ---------------------------------------------------------------------------------------------
// Search syntax (`query:` argument)
// ---------------------------------------------------------------------------------------------

interface SearchTerm {
  field?: string;
  op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte';
  value: string;
  prefix: boolean;
  negate: boolean;
}
/** OR of AND-groups. */
type SearchQuery = SearchTerm[][];

const searchCache = new Map<string, SearchQuery>();
/** Fields compared by substring rather than equality (Shopify tokenises these). */
const PARTIAL_FIELDS = new Set([
  'title',
  'product_title',
  'vendor',
  'product_type',
  'first_name',
  'last_name',
]);

function parseSearch(input: string): SearchQuery {
  const cached = searchCache.get(input);
  if (cached) return cached;
  const groups: SearchQuery = [[]];
  let negateNext = false;
  const re = /(-)?(?:([A-Za-z_][\w.]*):)?(?:"([^"]*)"|'([^']*)'|([^\s()]+))/g;
  for (const m of input.replace(/[()]/g, ' ').matchAll(re)) {
    const [, minus, field, dq, sq, bare] = m;
    let raw = dq ?? sq ?? bare ?? '';
    if (!field && !dq && !sq) {
      if (raw === 'OR') {
        groups.push([]);
        continue;
      }
      if (raw === 'AND') continue;
      if (raw === 'NOT') {
        negateNext = true;
        continue;
      }
    }
    let op: SearchTerm['op'] = 'eq';
    const cmp = /^(>=|<=|>|<)/.exec(raw);
    if (field && cmp?.[1]) {
      op = ({ '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' } as const)[cmp[1] as '>=' | '<=' | '>' | '<'];
      raw = raw.slice(cmp[1].length);
    }
    const prefix = raw.endsWith('*');
    if (prefix) raw = raw.slice(0, -1);
    const term: SearchTerm = { op, value: raw, prefix, negate: Boolean(minus) || negateNext };
    if (field) term.field = field.toLowerCase();
    negateNext = false;
    groups[groups.length - 1]?.push(term);
  }
  const result = groups.filter((g) => g.length > 0);
  if (searchCache.size > 1000) searchCache.clear();
  searchCache.set(input, result);
  return result;
}

function normalise(value: string | number): string {
  let s = String(value).toLowerCase();
  if (s.startsWith('gid://')) s = String(gidNumber(s) ?? s);
  return s.startsWith('#') ? s.slice(1) : s;
}

function compareValues(field: string, stored: string | number, wanted: string): number {
  if (field.endsWith('_at')) return Date.parse(String(stored)) - Date.parse(wanted);
  const a = Number(stored);
  const b = Number(wanted);
  if (Number.isFinite(a) && Number.isFinite(b)) return a - b;
  return String(stored).localeCompare(wanted);
}

function termMatches(term: SearchTerm, index: SearchIndex): boolean {
  if (term.value === '') return true;
  if (term.field === undefined) return index.text.includes(term.value.toLowerCase());
  if (!(term.field in index.fields)) return true; // unknown search field: ignored
  const storedValue: SearchValue = index.fields[term.field] ?? null;
  if (storedValue === null) return false;
  const stored: (string | number)[] = Array.isArray(storedValue)
    ? [...(storedValue as readonly (string | number)[])]
    : [typeof storedValue === 'boolean' ? String(storedValue) : (storedValue as string | number)];
  if (term.op !== 'eq') {
    return stored.some((s) => {
      const c = compareValues(term.field ?? '', s, term.value);
      if (Number.isNaN(c)) return false;
      return term.op === 'gt' ? c > 0 : term.op === 'gte' ? c >= 0 : term.op === 'lt' ? c < 0 : c <= 0;
    });
  }
  const wanted = term.value.split(',').map((w) => normalise(w));
  const partial = PARTIAL_FIELDS.has(term.field);
  return stored.some((s) => {
    const have = normalise(s);
    return wanted.some((w) => (term.prefix ? have.startsWith(w) : partial ? have.includes(w) : have === w));
  });
}

function matchesSearch(item: unknown, query: SearchQuery): boolean {
  const index = (item as { __search?: SearchIndex } | null)?.__search;
  if (!index) return true;
  return query.some((group) => group.every((term) => termMatches(term, index) !== term.negate));
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

const connectionTypeCache = new Map<string, boolean>();

function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  let known = connectionTypeCache.get(type.name);
  if (known === undefined) {
    known =
      isObjectType(type) &&
      type.name.endsWith('Connection') &&
      'pageInfo' in type.getFields() &&
      'edges' in type.getFields();
    connectionTypeCache.set(type.name, known);
  }
  return known;
}

function emptyConnection(): Record<string, unknown> {
  return {
    edges: [],
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

function itemKey(item: unknown): string | undefined {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function encodeCursor(item: unknown, index: number): string {
  return cursorFor(itemKey(item), index);
}

function locateCursor(list: readonly unknown[], cursor: string): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const rec =
    decoded !== null && typeof decoded === 'object' ? (decoded as Record<string, unknown>) : undefined;
  if (!rec || !('last_value' in rec)) throw new GraphQLError(`Invalid cursor for current pagination sort.`);
  if (typeof rec.last_id === 'string') {
    const idx = list.findIndex((item) => itemKey(item) === rec.last_id);
    if (idx >= 0) return idx;
  }
  return typeof rec.last_value === 'number' ? rec.last_value : -1;
}

const SORT_FIELDS: Record<string, string> = {
  TITLE: 'title',
  NAME: 'name',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
  PROCESSED_AT: 'processedAt',
  PRODUCT_TYPE: 'productType',
  VENDOR: 'vendor',
  SKU: 'sku',
  INVENTORY_TOTAL: 'totalInventory',
  ORDER_NUMBER: 'name',
};

function pageInt(args: FixtureArgs, name: 'first' | 'last'): number | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new GraphQLError(`Argument '${name}' must be a non-negative integer.`);
  }
  if (v > MAX_PAGE_SIZE)
    throw new GraphQLError(`The maximum page size is ${MAX_PAGE_SIZE}; '${name}' was ${v}.`);
  return v;
}

function paginate(items: readonly unknown[], args: FixtureArgs): Record<string, unknown> {
  const first = pageInt(args, 'first');
  const last = pageInt(args, 'last');
  if (first === undefined && last === undefined)
    throw new GraphQLError('you must provide one of first or last');

  let list: readonly unknown[] = items;
  if (typeof args.query === 'string' && args.query.trim() !== '') {
    const q = parseSearch(args.query);
    if (q.length > 0) list = list.filter((item) => matchesSearch(item, q));
  }
  const sortField = typeof args.sortKey === 'string' ? SORT_FIELDS[args.sortKey] : undefined;
  if (sortField) {
    list = [...list].sort((a, b) => {
      const x = (a as Record<string, unknown>)[sortField];
      const y = (b as Record<string, unknown>)[sortField];
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x ?? '').localeCompare(String(y ?? ''));
    });
  }
  if (args.reverse === true) list = [...list].reverse();

  let start = 0;
  let end = list.length;
  if (typeof args.after === 'string') start = Math.max(0, locateCursor(list, args.after) + 1);
  if (typeof args.before === 'string') end = Math.min(end, Math.max(0, locateCursor(list, args.before)));
  if (end < start) end = start;
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);

  const page = list.slice(start, end);
  // `cursor` is a fixture function so it is only encoded when a client selects it.
  const edges = page.map((node, k) => ({ cursor: () => encodeCursor(node, start + k), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: end < list.length,
      hasPreviousPage: start > 0,
      startCursor: page.length > 0 ? encodeCursor(page[0], start) : null,
      endCursor: page.length > 0 ? encodeCursor(page[page.length - 1], end - 1) : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Execution: field resolver, defaults for missing data, root fields
// ---------------------------------------------------------------------------------------------

interface ExecContext {
  data: ShopifyStoreData;
  schema: GraphQLSchema;
  defaulted: Set<string>;
  /** Objects returned so far: the basis of the reported actualQueryCost. */
  objects: number;
}

/** What `shape()` needs to know about a field's return type; cached because graphql-js' type
 *  predicates are comparatively slow outside NODE_ENV=production. */
interface ReturnInfo {
  nonNull: boolean;
  nullable: GraphQLOutputType;
  connection: boolean;
  list: boolean;
  leaf: boolean;
}
const returnInfoCache = new WeakMap<GraphQLOutputType, ReturnInfo>();

function returnInfo(type: GraphQLOutputType): ReturnInfo {
  let info = returnInfoCache.get(type);
  if (!info) {
    const nonNull = isNonNullType(type);
    const nullable = nonNull ? type.ofType : type;
    info = {
      nonNull,
      nullable,
      connection: isObjectType(nullable) && isConnectionType(nullable),
      list: isListType(nullable),
      leaf: isLeafType(getNamedType(type)),
    };
    returnInfoCache.set(type, info);
  }
  return info;
}

const SCALAR_DEFAULTS: Record<string, unknown> = {
  String: '',
  ID: 'gid://shopify/Placeholder/0',
  Boolean: false,
  Int: 0,
  Float: 0,
  DateTime: '2024-01-01T00:00:00Z',
  Date: '2024-01-01',
  Decimal: '0.0',
  Money: '0.00',
  URL: 'https://example.invalid/',
  HTML: '',
  UnsignedInt64: '0',
  JSON: {},
  FormattedString: '',
  UtcOffset: '+00:00',
};
const ENUM_DEFAULTS: Record<string, string> = { CurrencyCode: 'USD', CountryCode: 'US' };

/** Placeholder for a non-null field without fixture data (recorded in `defaultedFields`). */
function synthesize(type: GraphQLOutputType, schema: GraphQLSchema): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [];
  if (isScalarType(inner)) return SCALAR_DEFAULTS[inner.name] ?? '';
  if (isEnumType(inner)) return ENUM_DEFAULTS[inner.name] ?? inner.getValues()[0]?.value ?? null;
  if (isObjectType(inner)) return isConnectionType(inner) ? emptyConnection() : {};
  if (isAbstractType(inner)) {
    const concrete = schema.getPossibleTypes(inner)[0];
    return concrete ? { __typename: concrete.name } : null;
  }
  return null;
}

/**
 * Reads `source[fieldName]`; a function value is called with the field arguments (computed fixture
 * fields). Arrays under a Connection type are paged; plain lists honour `first:`; missing values are
 * null where nullable and a placeholder where non-null.
 */
const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
  let value: unknown;
  if (
    source !== null &&
    typeof source === 'object' &&
    Object.prototype.hasOwnProperty.call(source, info.fieldName)
  ) {
    const raw = (source as Record<string, unknown>)[info.fieldName];
    value =
      typeof raw === 'function'
        ? (raw as (a: FixtureArgs, d: ShopifyStoreData) => unknown)(args, ctx.data)
        : raw;
  }
  return shape(value, info.returnType, args, ctx, info);
};

function shape(
  value: unknown,
  type: GraphQLOutputType,
  args: FixtureArgs,
  ctx: ExecContext,
  info: GraphQLResolveInfo,
): unknown {
  const t = returnInfo(type);
  if (t.connection) {
    if (value === undefined || value === null || Array.isArray(value)) {
      const connection = paginate(Array.isArray(value) ? value : [], args);
      ctx.objects += 1 + (connection.nodes as unknown[]).length;
      return connection;
    }
    return value;
  }
  if (value === undefined || value === null) {
    if (!t.nonNull) return null;
    ctx.defaulted.add(`${info.parentType.name}.${info.fieldName}`);
    return synthesize(t.nullable, ctx.schema);
  }
  if (t.list && Array.isArray(value)) {
    const list = typeof args.first === 'number' ? value.slice(0, args.first) : value;
    if (!t.leaf && !isConnectionType(info.parentType) && !isEdgeType(info.parentType))
      ctx.objects += list.length;
    return list;
  }
  if (!t.leaf && !isConnectionType(info.parentType) && !isEdgeType(info.parentType)) ctx.objects += 1;
  return value;
}

function isEdgeType(type: GraphQLNamedType): boolean {
  return type.name.endsWith('Edge');
}

const GID_RE = /^gid:\/\/shopify\/[A-Za-z]+\/[^/\s]+$/;

function lookup(data: ShopifyStoreData, id: unknown, typename?: string): Entity | null {
  if (typeof id !== 'string' || !GID_RE.test(id)) throw new GraphQLError(`Invalid global id '${String(id)}'`);
  const found = data.byId.get(id);
  if (!found) return null;
  return typename === undefined || found.__typename === typename ? found : null;
}

function countOf(n: number): Record<string, unknown> {
  return { count: n, precision: 'EXACT' };
}

const rootCache = new WeakMap<ShopifyStoreData, Record<string, unknown>>();

/** Root Query/Mutation fields over a store's data (other root fields resolve to null/empty). */
function rootValueFor(data: ShopifyStoreData): Record<string, unknown> {
  let root = rootCache.get(data);
  if (root) return root;
  const byType = (typename: string) => (args: FixtureArgs) => lookup(data, args.id, typename);
  root = {
    shop: data.shop,
    products: () => data.products,
    product: byType('Product'),
    productByHandle: (args: FixtureArgs) => data.products.find((p) => p.handle === args.handle) ?? null,
    productsCount: () => countOf(data.products.length),
    productVariant: byType('ProductVariant'),
    productVariants: () => data.variants,
    productVariantsCount: () => countOf(data.variants.length),
    orders: () => data.orders,
    order: byType('Order'),
    ordersCount: () => countOf(data.orders.length),
    customers: () => data.customers,
    customer: byType('Customer'),
    customersCount: () => countOf(data.customers.length),
    locations: () => data.locations,
    // `location` without an id returns the shop's primary location.
    location: (args: FixtureArgs) =>
      args.id === undefined || args.id === null
        ? (data.locations[0] ?? null)
        : lookup(data, args.id, 'Location'),
    locationsCount: () => countOf(data.locations.length),
    inventoryItems: () => data.inventoryItems,
    inventoryItem: byType('InventoryItem'),
    inventoryLevel: byType('InventoryLevel'),
    draftOrders: () => data.draftOrders,
    draftOrder: byType('DraftOrder'),
    node: (args: FixtureArgs) => lookup(data, args.id),
    nodes: (args: FixtureArgs) =>
      Array.isArray(args.ids) ? args.ids.map((id: unknown) => lookup(data, id)) : [],
    draftOrderCreate: (args: FixtureArgs) => createDraftOrder(data, args.input),
    // The app's installation on this store and the access scopes it holds (AppInstallation in the
    // Admin schema); `accessScopes` is filled from the simulator's `scope` when the store is created.
    currentAppInstallation: () => ({
      __typename: 'AppInstallation',
      id: `gid://shopify/AppInstallation/${data.shopNumericId}`,
      accessScopes: (data.accessScopes ?? []).map((handle) => ({
        __typename: 'AccessScope',
        handle,
        description: `Access scope ${handle}.`,
      })),
    }),
  };
  rootCache.set(data, root);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Cost estimation (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits)
// ---------------------------------------------------------------------------------------------

function argInt(
  node: readonly { name: { value: string }; value: ValueNode }[] | undefined,
  name: string,
  variables: Record<string, unknown>,
): number | undefined {
  const arg = node?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const v = variables[arg.value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

function selectionCost(
  set: SelectionSetNode | undefined,
  parent: GraphQLNamedType | undefined,
  prepared: PreparedQuery,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
  depth = 0,
): number {
  if (!set || !parent || depth > 30) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
      cost += selectionCost(sel.selectionSet, t ?? parent, prepared, schema, variables, depth + 1);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = prepared.fragments.get(sel.name.value);
      if (frag)
        cost += selectionCost(
          frag.selectionSet,
          schema.getType(frag.typeCondition.name.value) ?? parent,
          prepared,
          schema,
          variables,
          depth + 1,
        );
      continue;
    }
    if (sel.name.value.startsWith('__')) continue;
    if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
    const def = parent.getFields()[sel.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named)) continue;
    const inner = selectionCost(sel.selectionSet, named, prepared, schema, variables, depth + 1);
    if (isConnectionType(named)) {
      const size = argInt(sel.arguments, 'first', variables) ?? argInt(sel.arguments, 'last', variables) ?? 1;
      cost += 2 + size * Math.max(1, inner);
    } else if (isConnectionType(parent) && (sel.name.value === 'edges' || sel.name.value === 'pageInfo')) {
      cost += inner; // wrappers are priced through the connection's page size
    } else {
      cost += 1 + inner;
    }
  }
  return cost;
}

function requestedCost(
  prepared: PreparedQuery,
  op: OperationDefinitionNode,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
): number {
  if (op.operation === OperationTypeNode.MUTATION) return 10 * Math.max(1, op.selectionSet.selections.length);
  const root =
    op.operation === OperationTypeNode.SUBSCRIPTION ? schema.getSubscriptionType() : schema.getQueryType();
  return Math.max(1, selectionCost(op.selectionSet, root ?? undefined, prepared, schema, variables));
}

function pickOperation(
  prepared: PreparedQuery,
  operationName: string | undefined,
): OperationDefinitionNode | undefined {
  if (operationName) return prepared.operations.find((o) => o.name?.value === operationName);
  return prepared.operations.length === 1 ? prepared.operations[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function normaliseStore(segment: string | undefined): string {
  if (!segment) return 'default';
  const decoded = decodeURIComponent(segment).toLowerCase();
  return decoded.endsWith('.myshopify.com') ? decoded.slice(0, -'.myshopify.com'.length) : decoded;
}

function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return INVALID_TOKEN_BODY;
    case 402:
      return { errors: 'Unavailable Shop' };
    case 403:
      return { errors: 'Forbidden' };
    case 404:
      return { errors: 'Not Found' };
    case 423:
      return { errors: 'Locked' };
    case 429:
      return {
        errors:
          'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
      };
    case 503:
      return { errors: 'Service Unavailable' };
    default:
      return status >= 500 ? { errors: 'Internal Server Error' } : { errors: `HTTP ${status}` };
  }
}

const GRAPHQL_PATH = /^\/(?:([^/]+)\/)?admin\/api\/([^/]+)\/graphql\.json$/;
const OAUTH_PATH = /^\/(?:([^/]+)\/)?admin\/oauth\/access_token$/;

// ---------------------------------------------------------------------------------------------
// Simulator
// ---------------------------------------------------------------------------------------------

export async function startShopifySimulator(opts: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const schema = getShopifyAdminSchema(opts.schemaPath);
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const accessToken = opts.accessToken ?? DEFAULT_ACCESS_TOKEN;
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const scope = opts.scope ?? DEFAULT_SCOPE;
  const notInstalled = new Set((opts.notInstalledStores ?? []).map((s) => normaliseStore(s)));
  const withValidation = opts.validate ?? true;
  const maxRecorded = Math.max(1, opts.maxRecordedRequests ?? 10_000);
  const maxQueryCost = opts.maxQueryCost ?? MAX_SINGLE_QUERY_COST;

  const requests: RecordedRequest[] = [];
  const invalidQueries: InvalidQuery[] = [];
  const issuedTokens: IssuedToken[] = [];
  // Validity outlives reset() (which only clears the log) so a client's cached token keeps working.
  const validTokens = new Map<string, IssuedToken>();
  const defaultedFields = new Set<string>();
  const stores = new Map<string, ShopifyStoreData>();
  const calls = new Map<string, number>();
  const buckets = new Map<string, { available: number; at: number }>();
  let faults: { fault: ShopifyFault; remaining: number }[] = [];
  let throttles = 0;

  const storeData = (store: string): ShopifyStoreData => {
    let data = stores.get(store);
    if (!data) {
      data = createShopifyFixtures(store);
      data.accessScopes = scope
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      stores.set(store, data);
    }
    return data;
  };

  const record = (entry: RecordedRequest): void => {
    requests.push(entry);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
  };

  const takeFault = (endpoint: 'graphql' | 'oauth', store: string): ShopifyFault | undefined => {
    const slot = faults.find((f) => {
      const target = f.fault.endpoint ?? 'graphql';
      return (
        f.remaining > 0 &&
        (target === 'any' || target === endpoint) &&
        (f.fault.store === undefined || normaliseStore(f.fault.store) === store)
      );
    });
    if (!slot) return undefined;
    slot.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return slot.fault;
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    extraDelay = 0,
  ): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const write = (): void => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        'x-request-id': randomUUID(),
        ...headers,
      });
      res.end(text);
    };
    const delay = latencyMs + extraDelay;
    if (delay > 0) setTimeout(write, delay).unref();
    else write();
  };

  const sendFault = (res: ServerResponse, fault: ShopifyFault): void => {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    send(
      res,
      fault.status,
      fault.body === undefined ? defaultFaultBody(fault.status) : fault.body,
      headers,
      fault.delayMs ?? 0,
    );
  };

  const tokenValid = (store: string, token: string | undefined): boolean => {
    if (!token || notInstalled.has(store)) return false;
    if (token === accessToken) return true;
    const issued = validTokens.get(token);
    return issued !== undefined && issued.store === store && issued.expiresAt > Date.now();
  };

  const bucketFor = (store: string): { available: number; at: number } => {
    const now = Date.now();
    let b = buckets.get(store);
    if (!b) {
      b = { available: BUCKET_MAXIMUM, at: now };
      buckets.set(store, b);
    }
    b.available = Math.min(BUCKET_MAXIMUM, b.available + ((now - b.at) / 1000) * BUCKET_RESTORE_RATE);
    b.at = now;
    return b;
  };

  const throttleStatus = (available: number) => ({
    maximumAvailable: BUCKET_MAXIMUM,
    currentlyAvailable: Math.max(0, Math.floor(available)),
    restoreRate: BUCKET_RESTORE_RATE,
  });

  const throttled = (res: ServerResponse, requested: number, available: number, version: string): void => {
    send(
      res,
      200,
      {
        errors: [
          {
            message: 'Throttled',
            extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
          },
        ],
        extensions: {
          cost: {
            requestedQueryCost: requested,
            actualQueryCost: null,
            throttleStatus: throttleStatus(available),
          },
        },
      },
      { 'x-shopify-api-version': version },
    );
  };

  const handleGraphql = async (
    req: IncomingMessage,
    res: ServerResponse,
    store: string,
    version: string,
    path: string,
  ): Promise<void> => {
    const text = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown;
    let query: string | undefined;
    let variables: Record<string, unknown> | undefined;
    let operationName: string | undefined;
    let malformed = false;
    if (contentType.includes('application/graphql')) {
      query = text;
      body = { query: text };
    } else {
      try {
        body = JSON.parse(text);
      } catch {
        malformed = true;
      }
      const rec = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      if (typeof rec.query === 'string') query = rec.query;
      if (rec.variables !== null && typeof rec.variables === 'object' && !Array.isArray(rec.variables))
        variables = rec.variables as Record<string, unknown>;
      if (typeof rec.operationName === 'string' && rec.operationName !== '')
        operationName = rec.operationName;
    }
    const entry: RecordedRequest = {
      store,
      path,
      method: req.method ?? 'POST',
      endpoint: 'graphql',
      headers: req.headers,
      body,
      at: Date.now(),
    };
    if (query !== undefined) entry.query = query;
    if (variables !== undefined) entry.variables = variables;
    if (operationName !== undefined) entry.operationName = operationName;
    record(entry);
    calls.set(store, (calls.get(store) ?? 0) + 1);

    const fault = takeFault('graphql', store);
    if (fault && fault.status >= 300) return sendFault(res, fault);
    if (fault?.delayMs) await sleep(fault.delayMs);

    const tokenHeader = req.headers['x-shopify-access-token'];
    if (!tokenValid(store, Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader))
      return send(res, 401, INVALID_TOKEN_BODY);

    const versionHeader = { 'x-shopify-api-version': version };
    if (malformed || query === undefined || query.trim() === '') {
      // Shopify answers a request without a usable `query` parameter with 400.
      return send(res, 400, { errors: { query: 'Required parameter missing or invalid' } }, versionHeader);
    }

    const prepared = prepareQuery(schema, query, withValidation);
    const staticErrors =
      prepared.syntaxErrors.length > 0
        ? prepared.syntaxErrors
        : withValidation
          ? (prepared.validationErrors ?? [])
          : [];
    const op = pickOperation(prepared, operationName);
    if (staticErrors.length > 0 || !prepared.document || !op) {
      const errors =
        staticErrors.length > 0
          ? staticErrors
          : [
              new GraphQLError(
                operationName
                  ? `Unknown operation named "${operationName}".`
                  : 'Must provide operation name if query contains multiple operations.',
              ),
            ];
      const inv: InvalidQuery = { store, query, errors: errors.map((e) => e.message) };
      if (variables) inv.variables = variables;
      invalidQueries.push(inv);
      return send(res, 200, { errors: errors.map((e) => e.toJSON()) }, versionHeader);
    }

    const vars = variables ?? {};
    const requested = requestedCost(prepared, op, schema, vars);
    if (requested > maxQueryCost) {
      // Shopify refuses such a query before running it; it is a client bug, so log it as invalid.
      const message = `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost}).`;
      const inv: InvalidQuery = { store, query, errors: [message] };
      if (variables) inv.variables = variables;
      invalidQueries.push(inv);
      return send(
        res,
        200,
        {
          errors: [
            {
              message,
              extensions: {
                code: 'MAX_COST_EXCEEDED',
                cost: requested,
                maxCost: maxQueryCost,
                documentation: 'https://shopify.dev/api/usage/rate-limits',
              },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: requested,
              actualQueryCost: null,
              throttleStatus: throttleStatus(BUCKET_MAXIMUM),
            },
          },
        },
        versionHeader,
      );
    }
    if (throttles > 0) {
      throttles -= 1;
      return throttled(res, requested, Math.max(0, Math.min(requested - 1, 50)), version);
    }
    const bucket = opts.enforceRateLimit ? bucketFor(store) : undefined;
    if (bucket && bucket.available < requested) return throttled(res, requested, bucket.available, version);

    const ctx: ExecContext = { data: storeData(store), schema, defaulted: defaultedFields, objects: 0 };
    const result = (await execute({
      schema,
      document: prepared.document,
      rootValue: rootValueFor(ctx.data),
      contextValue: ctx,
      variableValues: vars,
      operationName: op.name?.value,
      fieldResolver,
    })) as ExecutionResult;

    if (!('data' in result) || result.data === undefined) {
      // Variable coercion errors: the request never ran, so it is as invalid as a bad query.
      const inv: InvalidQuery = { store, query, errors: (result.errors ?? []).map((e) => e.message) };
      if (variables) inv.variables = variables;
      invalidQueries.push(inv);
    }
    // Rough "actual" cost: objects returned; Shopify refunds the difference to the requested cost.
    const actual = Math.min(requested, Math.max(1, ctx.objects));
    let available = BUCKET_MAXIMUM - actual;
    if (bucket) {
      bucket.available -= actual;
      available = bucket.available;
    }
    const payload: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) payload.errors = result.errors.map((e) => e.toJSON());
    if ('data' in result && result.data !== undefined) payload.data = result.data;
    payload.extensions = {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: actual,
        throttleStatus: throttleStatus(available),
      },
    };
    send(res, 200, payload, versionHeader);
  };

  const handleOauth = async (
    req: IncomingMessage,
    res: ServerResponse,
    store: string,
    path: string,
  ): Promise<void> => {
    const text = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    let params: Record<string, string> = {};
    if (contentType.includes('application/json')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object') {
          params = Object.fromEntries(
            Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          );
        }
      } catch {
        params = {};
      }
    } else {
      params = Object.fromEntries(new URLSearchParams(text));
    }
    // Query-string parameters are accepted too (OAuth clients sometimes send them there).
    const qs = new URL(req.url ?? '/', 'http://localhost').searchParams;
    for (const [k, v] of qs) params[k] ??= v;
    record({
      store,
      path,
      method: req.method ?? 'POST',
      endpoint: 'oauth',
      headers: req.headers,
      body: params,
      at: Date.now(),
    });

    const fault = takeFault('oauth', store);
    if (fault && fault.status >= 300) return sendFault(res, fault);
    if (fault?.delayMs) await sleep(fault.delayMs);

    const oauthError = (error: string, description: string, status = 400): void =>
      send(res, status, { error, error_description: description });
    if (params.grant_type !== 'client_credentials') {
      return oauthError(
        'unsupported_grant_type',
        `The grant type '${params.grant_type ?? ''}' is not supported by this simulator.`,
      );
    }
    if (!params.client_id || !params.client_secret)
      return oauthError('invalid_request', 'Missing client_id or client_secret.');
    if (params.client_id !== clientId) {
      return oauthError(
        'invalid_request',
        `Could not find Shopify API application with api_key ${params.client_id}`,
      );
    }
    if (params.client_secret !== clientSecret)
      return oauthError('invalid_client', 'Client authentication failed: invalid client secret.');
    if (notInstalled.has(store))
      return oauthError('app_not_installed', 'The application is not installed on this shop.');

    const token: IssuedToken = {
      store,
      accessToken: `shpat_${randomBytes(16).toString('hex')}`,
      // The installation's scopes, as `currentAppInstallation { accessScopes }` reports them.
      scope: (storeData(store).accessScopes ?? []).join(','),
      expiresAt: Date.now() + CLIENT_CREDENTIALS_EXPIRES_IN * 1000,
    };
    issuedTokens.push(token);
    validTokens.set(token.accessToken, token);
    send(res, 200, {
      access_token: token.accessToken,
      scope: token.scope,
      expires_in: CLIENT_CREDENTIALS_EXPIRES_IN,
    });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const gql = GRAPHQL_PATH.exec(path);
    const oauth = gql ? null : OAUTH_PATH.exec(path);
    const store = normaliseStore((gql ?? oauth)?.[1]);
    const fail = (error: unknown): void => {
      if (!res.headersSent)
        send(res, 500, {
          errors: `Simulator error: ${error instanceof Error ? error.message : String(error)}`,
        });
    };
    if ((gql || oauth) && req.method !== 'POST') {
      record({
        store,
        path,
        method: req.method ?? 'GET',
        endpoint: 'other',
        headers: req.headers,
        at: Date.now(),
      });
      req.resume();
      return send(res, 405, { errors: 'Method Not Allowed' }, { allow: 'POST' });
    }
    if (gql) return void handleGraphql(req, res, store, gql[2] ?? 'unknown', path).catch(fail);
    if (oauth) return void handleOauth(req, res, store, path).catch(fail);
    record({
      store: 'default',
      path,
      method: req.method ?? 'GET',
      endpoint: 'other',
      headers: req.headers,
      at: Date.now(),
    });
    req.resume();
    send(res, 404, { errors: 'Not Found' });
  });
  // Clients (undici) keep connections alive; don't let Node's 5 s default close them mid-benchmark.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrlTemplate: `${url}/{store}`,
    requests,
    invalidQueries,
    issuedTokens,
    defaultedFields,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
    reset: () => {
      requests.length = 0;
      invalidQueries.length = 0;
      issuedTokens.length = 0;
      defaultedFields.clear();
      stores.clear();
      calls.clear();
      buckets.clear();
      faults = [];
      throttles = 0;
    },
    failNext: (fault: ShopifyFault) => {
      faults.push({ fault, remaining: Math.max(1, fault.times ?? 1) });
    },
    throttleNext: (times = 1) => {
      throttles += Math.max(0, times);
    },
    graphqlCalls: (store?: string) => {
      if (store !== undefined) return calls.get(normaliseStore(store)) ?? 0;
      let total = 0;
      for (const n of calls.values()) total += n;
      return total;
    },
    fixtures: (store = 'default') => storeData(normaliseStore(store)),
    expireIssuedTokens: () => {
      const past = Date.now() - 1;
      for (const t of validTokens.values()) t.expiresAt = past;
    },
  };
}
