import type { AiSettings as AiSettingsValue } from '../ai/ai.types';
import type { AiUsagePeriodName } from '../ai/ai-usage-period';
import { usagePeriod } from '../ai/ai-usage-period';
import { GatewayError } from '../errors/gateway-error';
import type { Channel, MutationResolvers, OrganizationResolvers, Resolvers } from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';
import { withAuditTarget } from '../services/audit-target';

/** What `AiSettings` resolves from: the settings in effect, and whose they are. */
export type AiSettingsModel = AiSettingsValue & { organizationId: string };

/** Organization.aiUsage and OpenAIIntegration.usage: one organization's tokens in a period. */
export async function aiUsageOf(context: GatewayContext, organizationId: string, period: AiUsagePeriodName) {
  const { from, to } = usagePeriod(period);
  const summary = await context.services.ai.usageSummary(organizationId, from, to);
  return { period, from, to, ...summary };
}

const toChannel = (c: string) => c.toUpperCase() as Channel;
const fromChannel = (c: Channel) => c.toLowerCase() as 'messenger' | 'whatsapp';

const Organization: Pick<OrganizationResolvers, 'aiSettings' | 'aiUsage'> = {
  async aiSettings(org, _args, context) {
    return { ...(await context.services.ai.settings(org.id)), organizationId: org.id };
  },
  aiUsage: (org, { period }, context) => aiUsageOf(context, org.id, period ?? 'TODAY'),
};

const Mutation: Pick<MutationResolvers, 'updateAiSettings'> = {
  async updateAiSettings(_source, { input }, context) {
    if (!context.viewer) throw context.authError ?? new GatewayError('UNAUTHENTICATED');
    const organizationId = context.viewer.orgId;
    const settings = await context.services.ai
      .updateSettings(organizationId, {
        ...input,
        autoReplyChannels: input.autoReplyChannels?.map(fromChannel) ?? null,
      })
      .catch((error: unknown) => {
        throw withAuditTarget(error, { provider: 'openai' });
      });
    return withAuditTarget({ settings: { ...settings, organizationId } }, { provider: 'openai' });
  },
};

/** Registered with the core resolvers (src/resolvers/index.ts). */
export const AiResolverSet = {
  Organization,
  Mutation,
  AiSettings: {
    allowedModels: (_settings, _args, context) => context.services.ai.limits.allowedModels,
    autoReplyChannels: (settings) => settings.autoReplyChannels.map(toChannel),
    tokensUsedToday: (settings, _args, context) => context.services.ai.tokensToday(settings.organizationId),
  },
} satisfies Resolvers;
