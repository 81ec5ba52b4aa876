import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../observability/metrics';

/** Operation names are chosen by clients: bound the label set so /metrics cannot be blown up. */
const MAX_OPERATION_LABELS = 500;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Counts and times every operation by name, for GET /metrics. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  const seen = new Set<string>();
  const label = (name: string | undefined | null) => {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (seen.has(name)) return name;
    if (seen.size >= MAX_OPERATION_LABELS) return 'other';
    seen.add(name);
    return name;
  };
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const operation = label(operationName);
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.graphqlRequests.inc({ operation, outcome: failed ? 'error' : 'ok' });
          metrics.graphqlDuration.observe({ operation }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
