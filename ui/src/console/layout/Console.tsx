import { useState } from 'react';
import type { ViewerInfo } from '../App';
import { OrganizationView } from './OrganizationView';
import { SupportView } from '../support/SupportView';

const ROLE_NAMES = { MEMBER: 'Member', ADMIN: 'Admin', PLATFORM_ADMIN: 'Platform admin' } as const;

/**
 * The signed-in page: the caller's organization, and for a platform admin the support view, from
 * which any organization opens read-only (mutations always act on the caller's own organization).
 */
export function Console({
  token,
  viewer,
  onSignOut,
}: {
  token: string;
  viewer: ViewerInfo;
  onSignOut: () => void;
}) {
  const [viewing, setViewing] = useState<{ id: string; name: string } | undefined>();
  const isAdmin = viewer.role !== 'MEMBER';
  const isPlatformAdmin = viewer.role === 'PLATFORM_ADMIN';

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div>
          <strong className="brand">Switchboard</strong>{' '}
          <span className="who">
            {viewer.organization.name} · {ROLE_NAMES[viewer.role]} ({viewer.userId})
          </span>
        </div>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections" className="sections">
        <a href="#integrations">Integrations</a>
        <a href="#conversations">Conversations</a>
        <a href="#billing">Billing</a>
        {isAdmin && <a href="#webhooks">Webhooks</a>}
        <a href="#audit">Audit log</a>
        {isPlatformAdmin && <a href="#support">Support</a>}
      </nav>
      <main id="main">
        {viewing ? (
          <>
            <div className="banner" role="status">
              <span>
                Viewing <strong>{viewing.name}</strong> read-only (support access is audited)
              </span>
              <button type="button" className="secondary" onClick={() => setViewing(undefined)}>
                Back to my organization
              </button>
            </div>
            <OrganizationView key={viewing.id} orgId={viewing.id} token={token} mode="support" />
          </>
        ) : (
          <OrganizationView key="own" orgId={null} token={token} mode={isAdmin ? 'admin' : 'member'} />
        )}
        {isPlatformAdmin && !viewing && <SupportView onOpen={setViewing} />}
      </main>
    </>
  );
}
