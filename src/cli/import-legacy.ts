import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, loadDotEnv } from '../config/config';
import { createDatabase, pgliteNeedsInit, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { configuredSecrets, createLogger } from '../observability/logger';
import { runImport } from '../legacy/importer';
import { createImporterDeps } from '../legacy/importer-deps';
import { loadMapping } from '../legacy/mapping';
import { formatReport, progressBar } from '../legacy/report';
import { assertTableName, fileSource, redactUrl, type LegacySource } from '../legacy/sources';

const USAGE = `Imports connections from a per-user token system, verifies them under the admin credentials,
and (when asked) removes the old secrets. See the README, "Migrating from per-user tokens".

  npm run import-legacy -- --from FILE|postgres://...|database [--table NAME] [--mapping FILE]
                           [--dry-run] [--purge-legacy-secrets [--remove-original]]
                           [--report FILE] [--json]

  --from         a .json or .csv export, a postgres:// URL of the old database, or "database" for a
                 table inside the gateway's own database (DATABASE_URL or the embedded one)
  --table        the table to read with a postgres:// URL or "database" (e.g. user_tokens)
  --mapping      JSON file overriding the default column mapping (organization, provider, rowId,
                 account.<provider>, secrets, providerAliases)
  --dry-run      read, validate and report; write nothing, call no provider
  --purge-legacy-secrets
                 after importing, remove the secret columns: a table's are set to NULL in one
                 transaction; a file is rewritten to NAME.purged.EXT; then scans for token shapes
  --remove-original
                 with a file and --purge-legacy-secrets: overwrite and delete the original file
  --report FILE  also write the report as JSON to FILE
  --json         print the JSON report on stdout instead of the table
  --help         this text

Exit status: 0 when every row is verified or unchanged (and no secret remains after a purge),
2 when some row failed, conflicts or is invalid (or a secret remains), 1 on an error.`;

class UsageError extends Error {}

async function run(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        from: { type: 'string' },
        table: { type: 'string' },
        mapping: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'purge-legacy-secrets': { type: 'boolean', default: false },
        'remove-original': { type: 'boolean', default: false },
        report: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.from) throw new UsageError(`--from is required.\n\n${USAGE}`);
  if (values['remove-original'] && !values['purge-legacy-secrets'])
    throw new UsageError('--remove-original only goes with --purge-legacy-secrets.');

  loadDotEnv();
  const config = loadConfig();
  // Logs on stderr: stdout is the report.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pino.destination(2), {
    secrets: configuredSecrets(config),
  });
  if (!config.DATABASE_URL && pgliteNeedsInit(config.PGLITE_DATA_DIR)) {
    throw new UsageError(
      `The embedded database in ${config.PGLITE_DATA_DIR} does not exist yet: run \`npm run migrate\` (or start the gateway once) first.`,
    );
  }
  const db = createDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR });
  let legacyDb: Db | undefined;
  try {
    let source: LegacySource;
    if (/^postgres(?:ql)?:\/\//i.test(values.from) || values.from === 'database') {
      if (!values.table) throw new UsageError('--table is required with a database source.');
      assertTableName(values.table);
      if (values.from === 'database') {
        source = {
          kind: 'table',
          db,
          table: values.table,
          label: `table ${values.table} of the gateway's database`,
        };
      } else {
        legacyDb = createDatabase({ databaseUrl: values.from, pgliteDataDir: '' });
        source = {
          kind: 'table',
          db: legacyDb,
          table: values.table,
          label: `table ${values.table} of ${redactUrl(values.from)}`,
        };
      }
    } else {
      if (!fs.existsSync(values.from)) throw new UsageError(`--from ${values.from}: no such file.`);
      source = fileSource(values.from);
    }
    if (values['dry-run']) {
      // Nothing is written on a dry run, not even a migration: the tables must already be there.
      if (!(await db.schema.hasTable('integrations')))
        throw new UsageError("The gateway's database has no tables yet: run `npm run migrate` first.");
    } else {
      await migrateToLatest(db);
    }
    const report = await runImport(
      {
        source,
        mapping: loadMapping(values.mapping),
        dryRun: values['dry-run'],
        purge: values['purge-legacy-secrets'],
        removeOriginal: values['remove-original'],
        onProgress: progressBar(process.stderr),
      },
      createImporterDeps(config, db, logger),
    );
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (values.report) fs.writeFileSync(values.report, json);
    process.stdout.write(values.json ? json : formatReport(report));
    const clean =
      report.counts.failed + report.counts.conflicts + report.counts.invalid === 0 &&
      (report.secretsRemaining?.findings.length ?? 0) === 0;
    return clean ? 0 : 2;
  } finally {
    await legacyDb?.destroy();
    await db.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof ConfigError;
    console.error(known ? (error as Error).message : `import failed: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
