import type { Config } from '../config/config';
import { AuditRepo } from '../db/audit.repo';
import type { Db } from '../db/database';
import { IntegrationsRepo, type IntegrationRow } from '../db/integrations.repo';
import { OrganizationsRepo } from '../db/organizations.repo';
import { RowsCache } from '../db/rows-cache';
import { ProviderHttpClient } from '../http/provider-http';
import type { Logger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { IntegrationsService } from '../services/integrations.service';
import { ProviderRuntime } from '../services/provider-runtime';
import type { ImporterDeps } from './importer';

/**
 * The importer's own copy of the gateway's integration path (repository, provider runtime, service),
 * built without the HTTP server, job runner or subscriptions. Writes go through IntegrationsRepo, so
 * on PostgreSQL the `integrations_notify_change` trigger tells running gateways to drop their
 * cached rows, exactly as after a connectIntegration.
 */
export function createImporterDeps(config: Config, db: Db, logger: Logger): ImporterDeps {
  const http = new ProviderHttpClient(
    { timeoutMs: config.UPSTREAM_TIMEOUT_MS, maxRetries: config.UPSTREAM_MAX_RETRIES },
    logger,
    createMetrics(),
  );
  // A short-lived process: nothing worth caching between rows.
  const cache = new RowsCache<IntegrationRow[]>({ ttlMs: 1, maxEntries: 1, trusted: false });
  const integrationsRepo = new IntegrationsRepo(db, cache);
  const runtime = new ProviderRuntime(config, http, integrationsRepo, logger);
  return {
    db,
    integrations: new IntegrationsService(integrationsRepo, runtime),
    integrationsRepo,
    audit: new AuditRepo(db),
    organizations: new OrganizationsRepo(db),
    logger,
  };
}
