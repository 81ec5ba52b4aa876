import { AuditLog } from '../audit/AuditLog';
import { FailedWebhooks } from '../audit/FailedWebhooks';
import { BillingCard } from '../billing/BillingCard';
import { ConversationsSection } from '../conversations/ConversationsSection';
import { ProvidersSection } from '../providers/ProvidersSection';

/**
 * How the organization is shown: `admin` acts on it; `member` reads and replies to conversations
 * (no admin buttons); `support` is a platform admin reading another organization: nothing acts.
 */
export type ViewMode = 'admin' | 'member' | 'support';

/** One organization's sections; `orgId` null is the caller's own. */
export function OrganizationView({
  orgId,
  token,
  mode,
}: {
  orgId: string | null;
  token: string;
  mode: ViewMode;
}) {
  return (
    <>
      {/* Every read of another organization is audited: the support view reloads only on request. */}
      <ProvidersSection orgId={orgId} canAdmin={mode === 'admin'} autoReload={mode !== 'support'} />
      <ConversationsSection orgId={orgId} token={token} canReply={mode !== 'support'} />
      <BillingCard orgId={orgId} canAdmin={mode === 'admin'} />
      {mode !== 'member' && <FailedWebhooks orgId={orgId} canReplay={mode === 'admin'} />}
      <AuditLog orgId={orgId} />
    </>
  );
}
