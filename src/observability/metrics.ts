import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics served on GET /metrics. One registry per gateway instance (not the global one)
 * so tests that build several apps in one process do not collide.
 */
export interface Metrics {
  registry: Registry;
  graphqlRequests: Counter<'operation' | 'outcome'>;
  graphqlDuration: Histogram<'operation'>;
  upstreamRequests: Counter<'provider' | 'outcome'>;
  upstreamDuration: Histogram<'provider'>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'switchboard_graphql_requests_total',
      help: 'GraphQL operations by operation name and outcome (ok or error)',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'switchboard_graphql_request_duration_seconds',
      help: 'GraphQL operation latency by operation name',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: 'switchboard_upstream_requests_total',
      help: 'Calls to providers by provider and outcome (ok, or the error code)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'switchboard_upstream_request_duration_seconds',
      help: 'Latency of calls to providers, including retries',
      labelNames: ['provider'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
