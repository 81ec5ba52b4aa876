/**
 * The stable `extensions.code` values of DESIGN.md. Clients switch on these; never rename one.
 * `outcome` says how an audited action that failed with the code is recorded.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { outcome: 'denied', message: 'Authentication is required.' },
  FORBIDDEN: { outcome: 'denied', message: 'You are not allowed to do this.' },
  BAD_USER_INPUT: { outcome: 'error', message: 'The input is not valid.' },
  NOT_FOUND: { outcome: 'error', message: 'Not found.' },
  PROVIDER_NOT_CONFIGURED: { outcome: 'error', message: 'This provider is not configured on the gateway.' },
  INTEGRATION_NOT_CONNECTED: { outcome: 'error', message: 'This integration is not connected.' },
  INTEGRATION_PENDING_APPROVAL: {
    outcome: 'denied',
    message: 'This integration waits for a platform administrator to approve the claim on the account.',
  },
  PROVIDER_SCOPE_MISSING: {
    outcome: 'denied',
    message: "The provider has not granted the gateway's credentials a scope this call needs.",
  },
  ACCOUNT_ALREADY_CONNECTED: {
    outcome: 'denied',
    message: 'This account is already connected to another organization.',
  },
  RATE_LIMITED: { outcome: 'denied', message: 'Too many requests; slow down.' },
  UPSTREAM_RATE_LIMITED: {
    outcome: 'error',
    message: 'The provider is rate limiting requests; retry later.',
  },
  UPSTREAM_AUTH_FAILED: { outcome: 'error', message: 'The provider rejected the gateway credentials.' },
  UPSTREAM_UNAVAILABLE: { outcome: 'error', message: 'The provider is unavailable; retry later.' },
  UPSTREAM_ERROR: { outcome: 'error', message: 'The provider returned an error.' },
  QUERY_TOO_COMPLEX: { outcome: 'error', message: 'The query is too complex.' },
  INTERNAL_SERVER_ERROR: { outcome: 'error', message: 'Internal server error.' },
} as const satisfies Record<string, { outcome: 'denied' | 'error'; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
