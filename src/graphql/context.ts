import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Viewer } from '../auth/viewer';
import type { IntegrationRow } from '../db/integrations.repo';
import type { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { Services } from '../services/services';
import { newUpstreamUsage, type UpstreamCallCounter, type UpstreamUsage } from '../services/upstream-calls';

/** What every resolver receives; built once per HTTP request. */
export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** Undefined for an anonymous request; @auth refuses those. */
  viewer: Viewer | undefined;
  /** Why the presented token was refused; @auth throws it so the caller learns the reason. */
  authError: GatewayError | undefined;
  services: Services;
  /** Upstream calls charged to the organization's budgets and made (the fan-out cost model). */
  upstream: UpstreamUsage;
  /** Integration rows of an organization, loaded once per request. */
  integrations: DataLoader<string, IntegrationRow[]>;
  /** A provider's data source for an integration row, built at most once per request. */
  dataSource<T>(row: IntegrationRow): T;
  /**
   * Runs `read` on the row's data source and remembers, for this request, which data source every
   * object in the result came from, so nested fields (a product's variants) ask the same one.
   * Models stay plain data: they carry no data source themselves.
   */
  fromIntegration<S, R>(row: IntegrationRow, read: (source: S) => R | Promise<R>): Promise<R>;
  /** Runs `read` on the data source `parent` came from, and remembers it for the result likewise. */
  fromSourceOf<S, R>(parent: object, read: (source: S) => R | Promise<R>): Promise<R>;
}

/** How deep a result is walked: a connection's nodes are at 3, a product's variants at 5. */
const MAX_BIND_DEPTH = 8;

/** Ties every plain object and array in `value` (not Dates, not class instances) to `source`. */
function bindTo(origins: WeakMap<object, unknown>, value: unknown, source: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > MAX_BIND_DEPTH) return;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    for (const item of value) bindTo(origins, item, source, depth + 1);
    return;
  }
  if (proto !== Object.prototype && proto !== null) return;
  if (origins.has(value)) return;
  origins.set(value, source);
  for (const item of Object.values(value)) bindTo(origins, item, source, depth + 1);
}

export function createContext(
  services: Services,
  request: {
    requestId?: string | undefined;
    logger: Logger;
    viewer: Viewer | undefined;
    authError: GatewayError | undefined;
    /** The request's counter, when the HTTP layer counts into one (src/app.ts). */
    upstreamCalls?: UpstreamCallCounter | undefined;
  },
): GatewayContext {
  const requestId = request.requestId ?? randomUUID();
  const dataSources = new Map<string, unknown>();
  const origins = new WeakMap<object, unknown>();
  const bound = async <R>(source: unknown, result: R | Promise<R>): Promise<R> => {
    const value = await result;
    bindTo(origins, value, source);
    return value;
  };
  function dataSource<T>(row: IntegrationRow): T {
    const key = `${row.organization_id}:${row.provider}`;
    let built = dataSources.get(key);
    if (!built) {
      built = services.runtime.dataSourceFor(row, request.logger);
      dataSources.set(key, built);
    }
    return built as T;
  }
  return {
    requestId,
    logger: request.logger,
    viewer: request.viewer,
    authError: request.authError,
    services,
    upstream: newUpstreamUsage(request.upstreamCalls),
    integrations: new DataLoader(async (orgIds) =>
      Promise.all(orgIds.map((orgId) => services.integrations.listAll(orgId))),
    ),
    dataSource,
    fromIntegration<S, R>(row: IntegrationRow, read: (source: S) => R | Promise<R>) {
      const source = dataSource<S>(row);
      return bound(source, read(source));
    },
    fromSourceOf<S, R>(parent: object, read: (source: S) => R | Promise<R>) {
      const source = origins.get(parent);
      // A programming error (a model built outside fromIntegration), masked for the client.
      if (source === undefined) throw new Error('This object was not read through a data source.');
      return bound(source, read(source as S));
    },
  };
}
