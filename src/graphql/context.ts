import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Viewer } from '../auth/viewer';
import type { IntegrationRow } from '../db/integrations.repo';
import type { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { Services } from '../services/services';

/** What every resolver receives; built once per HTTP request. */
export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** Undefined for an anonymous request; @auth refuses those. */
  viewer: Viewer | undefined;
  /** Why the presented token was refused; @auth throws it so the caller learns the reason. */
  authError: GatewayError | undefined;
  services: Services;
  /** Integration rows of an organization, loaded once per request. */
  integrations: DataLoader<string, IntegrationRow[]>;
  /** A provider's data source for an integration row, built at most once per request. */
  dataSource<T>(row: IntegrationRow): T;
}

export function createContext(
  services: Services,
  request: {
    requestId?: string | undefined;
    logger: Logger;
    viewer: Viewer | undefined;
    authError: GatewayError | undefined;
  },
): GatewayContext {
  const requestId = request.requestId ?? randomUUID();
  const dataSources = new Map<string, unknown>();
  return {
    requestId,
    logger: request.logger,
    viewer: request.viewer,
    authError: request.authError,
    services,
    integrations: new DataLoader(async (orgIds) =>
      Promise.all(orgIds.map((orgId) => services.integrations.listAll(orgId))),
    ),
    dataSource<T>(row: IntegrationRow): T {
      const key = `${row.organization_id}:${row.provider}`;
      let dataSource = dataSources.get(key);
      if (!dataSource) {
        dataSource = services.runtime.dataSourceFor(row, request.logger);
        dataSources.set(key, dataSource);
      }
      return dataSource as T;
    },
  };
}
