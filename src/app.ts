import { AiSettingsRepo } from './ai/ai-settings.repo';
import { AiService } from './ai/ai.service';
import { AiUsageRepo } from './ai/ai-usage.repo';
import { createBilling } from './billing/create-billing';
import { billingPolicyPlugin } from './billing/billing-policy.plugin';
import { startUsageReporting } from './billing/billing-usage';
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { startAutoReplies } from './ai/ai-replies';
import { TokenVerifier } from './auth/token-verifier';
import type { Config } from './config/config';
import { AuditRepo } from './db/audit.repo';
import { SupportRepo } from './db/support.repo';
import type { Db } from './db/database';
import { IntegrationChangeListener } from './db/integration-changes';
import { IntegrationsRepo, type IntegrationRow } from './db/integrations.repo';
import { RowsCache } from './db/rows-cache';
import { NO_ORGANIZATION, asPlatform, enterViewerScope, runInScope } from './db/tenant-scope';
import { OrganizationsRepo } from './db/organizations.repo';
import { WebhookEventsRepo } from './db/webhook-events.repo';
import { formatError } from './errors/format-error';
import { GatewayError } from './errors/gateway-error';
import { toGraphQLError } from './graphql/graphql-error';
import { httpErrorHandler, notFoundHandler } from './errors/http-error-handler';
import { complexityRule } from './graphql/complexity.rule';
import { armorProtection } from './graphql/armor';
import { upstreamCostPlugin } from './graphql/upstream-cost.plugin';
import { UpstreamCallCounter, countUpstreamCalls } from './services/upstream-calls';
import { createContext, type GatewayContext } from './graphql/context';
import { errorLogPlugin } from './graphql/error-log.plugin';
import { ReadAuditWriter, readAuditPlugin } from './graphql/read-audit.plugin';
import { metricsPlugin } from './graphql/metrics.plugin';
import { buildGatewaySchema } from './graphql/schema';
import { ProviderHttpClient } from './http/provider-http';
import { JobQueue } from './jobs/job-queue';
import { JobRunner } from './jobs/job-runner';
import { ConversationsRepo } from './messaging/conversations.repo';
import { ConversationsService } from './messaging/conversations.service';
import { LiveEvents } from './messaging/live-events';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { IntegrationsService } from './services/integrations.service';
import { ProviderRuntime } from './services/provider-runtime';
import { RateLimits } from './services/rate-limits';
import { FairShare } from './services/fair-share';
import type { Services } from './services/services';
import { WebhookInbox } from './webhooks/webhook-inbox';
import { webhookRouter } from './webhooks/webhook.router';
import { devSignInRouter } from './http/dev-sign-in';
import { playgroundEnabled, uiRouter } from './http/ui-routes';

export interface Gateway {
  app: Express;
  services: Services;
  /** The executable schema (the WebSocket side, src/graphql/subscriptions.ts, serves it too). */
  schema: GraphQLSchema;
  /** Registers work to do first when the gateway stops (closing the WebSocket server). */
  onStop(stop: () => Promise<void>): void;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

export function createServices(config: Config, db: Db, logger: Logger): Services {
  const metrics = createMetrics();
  const http = new ProviderHttpClient(
    { timeoutMs: config.UPSTREAM_TIMEOUT_MS, maxRetries: config.UPSTREAM_MAX_RETRIES },
    logger,
    metrics,
  );
  // With a PostgreSQL server other instances may write too: trust the cache only while the change
  // feed is connected. PGlite is this process's alone.
  const integrationRows = new RowsCache<IntegrationRow[]>({
    ttlMs: 30_000,
    maxEntries: 50_000,
    trusted: !config.DATABASE_URL,
  });
  const integrationChanges = config.DATABASE_URL
    ? new IntegrationChangeListener(config.DATABASE_URL, integrationRows as RowsCache<unknown>, logger)
    : undefined;
  const integrationsRepo = new IntegrationsRepo(db, integrationRows);
  const fairShare = new FairShare(
    { scale: config.PROVIDER_QUOTA_SCALE, overrides: config.PROVIDER_QUOTAS, redisUrl: config.REDIS_URL },
    logger,
  );
  const runtime = new ProviderRuntime(config, http, integrationsRepo, logger, fairShare);
  const audit = new AuditRepo(db);
  const jobs = new JobQueue(db, {
    maxAttempts: config.JOBS_MAX_ATTEMPTS,
    backoffBaseMs: config.JOBS_BACKOFF_BASE_MS,
    leaseMs: config.JOBS_LEASE_MS,
  });
  const jobRunner = new JobRunner(
    jobs,
    {
      enabled: config.JOBS_WORKER === 'on',
      pollIntervalMs: config.JOBS_POLL_INTERVAL_MS,
      concurrency: config.JOBS_CONCURRENCY,
    },
    logger,
  );
  const webhookEvents = new WebhookEventsRepo(db);
  const organizations = new OrganizationsRepo(db);
  const billing = createBilling(config, db, organizations, fairShare);
  const live = new LiveEvents({ redisUrl: config.REDIS_URL }, logger);
  const conversationsRepo = new ConversationsRepo(db);
  const conversations = new ConversationsService(conversationsRepo, integrationsRepo, runtime, live);
  const webhookInbox = new WebhookInbox(
    config,
    db,
    webhookEvents,
    integrationsRepo,
    jobs,
    jobRunner,
    { integrations: integrationsRepo, audit, events: webhookEvents, conversations, live, billing },
    logger,
  );
  return {
    config,
    logger,
    metrics,
    db,
    http,
    tokens: new TokenVerifier({
      secret: config.AUTH_JWT_SECRET,
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_JWT_ISSUER,
      audience: config.AUTH_JWT_AUDIENCE,
    }),
    organizations,
    integrationsRepo,
    audit,
    support: new SupportRepo(db),
    runtime,
    integrations: new IntegrationsService(integrationsRepo, runtime, config.ACCOUNT_CLAIM_POLICY),
    integrationChanges,
    rateLimits: new RateLimits({ scale: config.RATE_LIMIT_SCALE, redisUrl: config.REDIS_URL }, logger),
    fairShare,
    jobs,
    jobRunner,
    webhookEvents,
    webhookInbox,
    conversationsRepo,
    conversations,
    live,
    ai: new AiService(config, new AiSettingsRepo(db), new AiUsageRepo(db), fairShare),
    billing,
  };
}

/** The HTTP surface: operations routes, pages, and GraphQL. Webhooks join here in their own router. */
export async function createGateway(services: Services): Promise<Gateway> {
  const { logger, metrics, db } = services;
  const schema = buildGatewaySchema();
  const stopHooks: Array<() => Promise<void>> = [];
  const production = services.config.NODE_ENV === 'production';
  const armor = armorProtection({ production });
  // Reads of customer data, one audit row per operation, written in batches (README, "Isolation in depth").
  // A batch holds rows of several organizations: written in platform scope.
  const readAudit = new ReadAuditWriter(
    (rows) => asPlatform('read audit batch', () => services.audit.appendMany(rows)),
    logger,
  );
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Off in production unless INTROSPECTION=true: clients generate types from the SDL in schema/
    // (README); outside production the playground and codegen against a dev gateway need it.
    introspection: services.config.INTROSPECTION ? services.config.INTROSPECTION === 'true' : !production,
    // Cache control is off: its default plugin wraps every resolver to compute cache hints that this
    // gateway never sends (answers are per organization and live).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin(metrics),
      errorLogPlugin(logger),
      billingPolicyPlugin(services.config.BILLING_PAST_DUE_POLICY),
      upstreamCostPlugin(schema, {
        maxCallsPerOperation: services.config.MAX_UPSTREAM_CALLS_PER_OPERATION,
      }),
      ...armor.plugins,
      readAuditPlugin(schema, readAudit),
    ],
    validationRules: [complexityRule(), ...armor.validationRules],
  });
  await apollo.start();
  await services.rateLimits.ready();
  await services.fairShare.ready();
  await services.integrationChanges?.start();
  // Automatic AI replies: the job handler and the inbound listener, before the runner claims jobs.
  startAutoReplies(services);
  // Usage reporting to Stripe: the 'billing-usage' handler and its periodic sweep.
  await startUsageReporting(services);
  services.jobRunner.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  // One request id per request, echoed to the caller and on every log line of that request.
  app.use((req, res, next) => {
    const header = req.header('x-request-id');
    const requestId = header && REQUEST_ID.test(header) ? header : randomUUID();
    const requestLogger = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.logger = requestLogger;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      requestLogger.info(
        {
          method: req.method,
          // originalUrl: inside a mounted router (/graphql) req.path is the rest after the mount
          // point ("/"). Without the query string: a GET query carries the operation and variables.
          path: req.originalUrl.split('?', 1)[0],
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(uiRouter({ playground: playgroundEnabled(services.config) }));
  app.use(devSignInRouter(services.config));
  // Before any JSON parser: signatures are over the raw bytes.
  app.use(webhookRouter(services.webhookInbox, services.config.PUBLIC_BASE_URL));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    // After the body parser (its stream callbacks would leave the scope): every provider call the
    // operation makes is counted into this request's counter (src/services/upstream-calls.ts).
    (_req, res, next) => {
      const counter = new UpstreamCallCounter();
      res.locals.upstreamCalls = counter;
      countUpstreamCalls(counter, next);
    },
    // Row-level security: the operation's statements start in no organization; the context below
    // narrows them to the viewer's once the token is verified (src/db/tenant-scope.ts).
    (_req, _res, next) => runInScope(NO_ORGANIZATION, next),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        const requestLogger = res.locals.logger as Logger;
        let viewer;
        let authError: GatewayError | undefined;
        try {
          viewer = await services.tokens.verify(req.header('authorization'));
          if (viewer) await services.organizations.ensure(viewer.orgId, viewer.orgName);
          if (viewer) enterViewerScope(viewer);
        } catch (error) {
          if (!(error instanceof GatewayError)) {
            // Apollo would answer "Context creation failed: <message>", and a driver's message
            // carries SQL: the client gets the fixed text, the log gets the error.
            requestLogger.error({ err: error }, 'context creation failed');
            throw toGraphQLError(new GatewayError('INTERNAL_SERVER_ERROR'));
          }
          authError = error;
          viewer = undefined;
        }
        return createContext(services, {
          requestId,
          logger: requestLogger,
          viewer,
          authError,
          upstreamCalls: res.locals.upstreamCalls as UpstreamCallCounter,
        });
      },
    }),
  );

  app.use(notFoundHandler);
  app.use(httpErrorHandler(logger));

  return {
    app,
    services,
    schema,
    onStop: (stop) => void stopHooks.push(stop),
    async stop() {
      for (const stop of stopHooks.splice(0)) await stop();
      await services.jobRunner.stop();
      await apollo.stop();
      await readAudit.flush();
      await services.http.close();
      await services.rateLimits.close();
      await services.fairShare.close();
      await services.integrationChanges?.stop();
      await services.live.close();
    },
  };
}
