import type { ProviderScopes } from '../../services/provider-scopes';

/**
 * Kustomer API key roles, as data. `requested` is the seed's list (legacy role names, which Kustomer
 * still accepts beside the permission-set names: contracts/PROVIDER-FACTS.md). Notes need
 * `org.user.note.write`, which the seed's list lacks: README "Scopes".
 */
export const kustomerScopes: ProviderScopes = {
  noun: 'role',
  requested: [
    'org.user.customer.read',
    'org.user.customer.write',
    'org.user.conversation.read',
    'org.user.conversation.write',
    'org.admin.message.write',
  ],
  features: {
    'Create conversations': ['org.user.conversation.write'],
    'Add customer notes': ['org.user.note.write'],
    'View conversation history': ['org.user.conversation.read'],
    'Ticket creation': ['org.user.conversation.write'],
    'Customer lookup': ['org.user.customer.read'],
  },
  unreadable:
    "Kustomer fixes an API key's roles when the key is created and documents no call that lists them; a call outside them answers 403, reported as UPSTREAM_AUTH_FAILED.",
  grantHint:
    'create a Kustomer API key with this role (Settings → Security → API Keys) and set KUSTOMER_API_KEY to it',
};
