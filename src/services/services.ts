import type { AiService } from '../ai/ai.service';
import type { BillingService } from '../billing/billing.service';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Config } from '../config/config';
import type { AuditRepo } from '../db/audit.repo';
import type { Db } from '../db/database';
import type { IntegrationChangeListener } from '../db/integration-changes';
import type { IntegrationsRepo } from '../db/integrations.repo';
import type { OrganizationsRepo } from '../db/organizations.repo';
import type { SupportRepo } from '../db/support.repo';
import type { WebhookEventsRepo } from '../db/webhook-events.repo';
import type { ProviderHttpClient } from '../http/provider-http';
import type { JobQueue } from '../jobs/job-queue';
import type { JobRunner } from '../jobs/job-runner';
import type { ConversationsService } from '../messaging/conversations.service';
import type { ConversationsRepo } from '../messaging/conversations.repo';
import type { LiveEvents } from '../messaging/live-events';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { IntegrationsService } from './integrations.service';
import type { ProviderRuntime } from './provider-runtime';
import type { RateLimits } from './rate-limits';
import type { FairShare } from './fair-share';
import type { WebhookInbox } from '../webhooks/webhook-inbox';

/** The gateway's long-lived parts, built once at start (see app.ts) and shared by every request. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Db;
  http: ProviderHttpClient;
  tokens: TokenVerifier;
  organizations: OrganizationsRepo;
  integrationsRepo: IntegrationsRepo;
  audit: AuditRepo;
  /** Platform administrators' reads across organizations (the console's support view). */
  support: SupportRepo;
  runtime: ProviderRuntime;
  integrations: IntegrationsService;
  rateLimits: RateLimits;
  /** Each provider's quota on the platform's credentials, split fairly among organizations. */
  fairShare: FairShare;
  /** Present with a PostgreSQL server: keeps the integration rows cache honest across instances. */
  integrationChanges: IntegrationChangeListener | undefined;
  /** Background jobs in PostgreSQL (src/jobs/), and this instance's worker. */
  jobs: JobQueue;
  jobRunner: JobRunner;
  webhookEvents: WebhookEventsRepo;
  webhookInbox: WebhookInbox;
  /** Conversations and messages of the messaging channels (src/messaging/). */
  conversationsRepo: ConversationsRepo;
  conversations: ConversationsService;
  /** The subscriptions' feed: in memory, or Redis pub/sub with REDIS_URL. */
  live: LiveEvents;
  /** AI under the platform's OpenAI key: settings, completions within the budget, usage (src/ai/). */
  ai: AiService;
  /** The organization's billing with the platform through Stripe (src/billing/). */
  billing: BillingService;
}
