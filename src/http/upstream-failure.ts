import type { ErrorCode } from '../errors/codes';

/**
 * A failed provider call, as the HTTP client sees it. Carries the status for mapping and logging;
 * the upstream body stays in `detail` for logs and never reaches a client.
 */
export class UpstreamFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number | undefined,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(detail);
    this.name = 'UpstreamFailure';
  }

  /** Timeouts, network errors and 5xx say the provider is unwell; other failures do not. */
  get countsAgainstCircuit(): boolean {
    return this.code === 'UPSTREAM_UNAVAILABLE';
  }
}

/** Maps a provider's HTTP status to our code in one place (DESIGN.md error codes). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'UPSTREAM_AUTH_FAILED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'UPSTREAM_RATE_LIMITED';
  if (status >= 500) return 'UPSTREAM_UNAVAILABLE';
  return 'UPSTREAM_ERROR';
}
