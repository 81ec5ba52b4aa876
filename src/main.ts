import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  DEMO_ORG_ID,
  DEMO_ORG_NAME,
  loadOrCreateDevSecret,
  shownPath,
  usesDevSecret,
} from './auth/dev-secret';
import { issueToken } from './auth/token-issuer';
import { createGateway, createServices } from './app';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config/config';
import { createDatabase, engineName, pgliteNeedsInit } from './db/database';
import { migrateToLatest, rowLevelSecurityRole } from './db/migrate';
import { providers } from './datasources/registry';
import { attachSubscriptions } from './graphql/subscriptions';
import { configuredSecrets, createLogger } from './observability/logger';

async function main() {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Outside production with no token set-up: sign and verify with the development secret kept in
  // the data folder, so tokens (the page keeps one) survive a restart.
  // Before the logger, so the logger knows it as a secret.
  const devSecret = usesDevSecret(config) ? loadOrCreateDevSecret(config) : undefined;
  if (devSecret) config = { ...config, AUTH_JWT_SECRET: devSecret.secret, devSigning: true };

  const logger = createLogger(config.LOG_LEVEL, undefined, { secrets: configuredSecrets(config) });
  for (const warning of config.warnings) logger.warn(warning);

  if (!config.DATABASE_URL && pgliteNeedsInit(config.PGLITE_DATA_DIR)) createEmbeddedDatabaseInChild();
  const db = createDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR });
  const applied = await migrateToLatest(db);
  logger.info({ engine: engineName(db), applied }, 'database ready');
  if (rowLevelSecurityRole(db) === null) {
    logger.warn(
      'row-level security: the role switchboard_app could not be created (the migrating user needs CREATEROLE); the gateway runs as the tables\' owner, still bound by FORCE ROW LEVEL SECURITY (README, "Isolation in depth")',
    );
  }

  const services = createServices(config, db, logger);
  const gateway = await createGateway(services);
  const server = gateway.app.listen(config.PORT, config.HOST, () => {
    const ready = Object.values(providers).map((p) => ({
      provider: p.id,
      configured: config.providers[p.id].configured,
      ...(config.providers[p.id].configured
        ? {}
        : { missing: (config.providers[p.id] as { missing: string[] }).missing }),
    }));
    logger.info({ port: config.PORT, providers: ready }, 'switchboard listening');
  });
  server.keepAliveTimeout = 65_000;
  // GraphQL subscriptions (graphql-ws) on the same server and path.
  attachSubscriptions(server, gateway);
  // The demo token is printed once the port accepts connections (listen resolves HOST first, which
  // can take a while on a busy machine): whoever copies it can use it at once. A port in use ends
  // the start with its message instead of an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  if (devSecret) {
    const token = await issueToken(
      devSecret.secret,
      { sub: 'demo-admin', orgId: DEMO_ORG_ID, role: 'admin', orgName: DEMO_ORG_NAME },
      { issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE },
    );
    console.log(
      [
        '',
        devSecret.file
          ? `No AUTH_JWT_SECRET is set: tokens are signed with the development secret in ${shownPath(devSecret.file)} (kept across restarts; delete it to invalidate every token). \`npm run token\` signs with it too.`
          : 'No AUTH_JWT_SECRET is set and the data folder is in memory: this run made a secret of its own (tokens end with the process).',
        `Console, signed in as an admin of the demo organization ${DEMO_ORG_ID} (open this link):`,
        '',
        `  http://localhost:${config.PORT}/#token=${token}`,
        '',
        'Admin token (for API clients and the playground):',
        '',
        `  ${token}`,
        '',
        `Playground: http://localhost:${config.PORT}/graphql`,
        '',
      ].join('\n'),
    );
  }

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await gateway.stop();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * The first start on an empty folder creates the embedded database (initdb) and migrates it in a
 * child process: initdb's ~500 MB would otherwise stay in the gateway for its whole life.
 */
function createEmbeddedDatabaseInChild(): void {
  const script = path.join(__dirname, 'cli', `migrate${path.extname(__filename)}`);
  const result = spawnSync(process.execPath, [...process.execArgv, script], {
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) throw new Error('could not create the embedded database (see the output above)');
}

main().catch((error: unknown) => {
  console.error('switchboard failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
