import { GatewayError } from '../errors/gateway-error';
import type { MutationResolvers } from '../generated/graphql';
import type { GatewayContext } from '../graphql/context';
import { replyDrafter } from '../ai/ai-replies';
import { withAuditTarget } from '../services/audit-target';

function orgOf(context: GatewayContext): string {
  if (!context.viewer) throw context.authError ?? new GatewayError('UNAUTHENTICATED');
  return context.viewer.orgId;
}

const Mutation: Pick<MutationResolvers, 'draftReply'> = {
  /** Members may draft (support agents do); nothing is sent. The audit row names the channel. */
  async draftReply(_source, { conversationId }, context) {
    const draft = await replyDrafter(context.services).draftReply({
      organizationId: orgOf(context),
      conversationId,
      requestId: context.requestId,
      logger: context.logger,
    });
    return withAuditTarget(
      { text: draft.text, handover: draft.handover, reason: draft.reason, usage: draft.usage },
      { provider: draft.conversation.channel, accountKey: draft.conversation.account_key },
    );
  },
};

export const AiRepliesResolvers = { Mutation };
