import type { Knex } from 'knex';
import * as organizations from './20261126_001_organizations';
import * as integrations from './20261126_002_integrations';
import * as auditLog from './20261126_003_audit_log';
import * as webhookEvents from './20261126_004_webhook_events';
import * as integrationChangeNotify from './20261126_005_integration_change_notify';
import * as auditLogNoTruncate from './20261201_006_audit_log_no_truncate';
import * as jobs from './20261201_007_jobs';
import * as webhookInbox from './20261201_008_webhook_inbox';
import * as conversations from './20261205_009_conversations';
import * as ai from './20261210_010_ai';
import * as billing from './20261215_011_billing';
import * as usageReports from './20261215_012_usage_reports';
import * as legacyImportRuns from './20261221_014_legacy_import_runs';
import * as supportFailuresIndex from './20261220_013_support_failures_index';
import * as integrationClaims from './20261222_016_integration_claims';
import * as rowLevelSecurity from './20261223_017_row_level_security';

/** Every migration, by name; applied in name order. Add new ones here. */
export const migrations: Record<string, Knex.Migration> = {
  '20261126_001_organizations': organizations,
  '20261126_002_integrations': integrations,
  '20261126_003_audit_log': auditLog,
  '20261126_004_webhook_events': webhookEvents,
  '20261126_005_integration_change_notify': integrationChangeNotify,
  '20261201_006_audit_log_no_truncate': auditLogNoTruncate,
  '20261201_007_jobs': jobs,
  '20261201_008_webhook_inbox': webhookInbox,
  '20261205_009_conversations': conversations,
  '20261210_010_ai': ai,
  '20261215_011_billing': billing,
  '20261215_012_usage_reports': usageReports,
  '20261221_014_legacy_import_runs': legacyImportRuns,
  '20261220_013_support_failures_index': supportFailuresIndex,
  '20261222_016_integration_claims': integrationClaims,
  '20261223_017_row_level_security': rowLevelSecurity,
};
