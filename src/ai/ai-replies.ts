import type { Services } from '../services/services';
import { AutoReplies } from './auto-reply';
import { ReplyDrafter } from './draft-reply';
import { Handover } from './handover';

/**
 * A burst of messages (a shopper writing three lines) waits this long together, so it gets one
 * reply: the job's singleton key holds while it is pending.
 */
const AUTO_REPLY_DELAY_MS = 1500;

/** The drafter over the gateway's services (cheap: references only; the resolver builds one per call). */
export const replyDrafter = (services: Services): ReplyDrafter =>
  new ReplyDrafter(services.ai, services.conversationsRepo, services.integrationsRepo, services.runtime);

/**
 * Wires automatic replies: the 'ai-reply' job handler and the conversations service's inbound
 * listener. Called once per gateway, before its job runner starts.
 */
export function startAutoReplies(services: Services, options: { delayMs?: number } = {}): AutoReplies {
  const autoReplies = new AutoReplies({
    ai: services.ai,
    drafter: replyDrafter(services),
    handover: new Handover(services.conversationsRepo, services.integrationsRepo, services.runtime),
    conversations: services.conversations,
    repo: services.conversationsRepo,
    jobs: services.jobs,
    jobRunner: services.jobRunner,
    logger: services.logger,
    delayMs: options.delayMs ?? AUTO_REPLY_DELAY_MS,
  });
  autoReplies.register();
  services.conversations.setInboundListener((event) => autoReplies.onInbound(event));
  return autoReplies;
}
