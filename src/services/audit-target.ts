import type { ProviderId } from '../datasources/types';
import type { ErrorCode } from '../errors/codes';

/** What one audited action acted on, and how it ended when it "succeeded" with a failure to report. */
export interface AuditTarget {
  provider?: ProviderId;
  accountKey?: string | null;
  /** The organization acted on when it is not the viewer's (a platform administrator's decision). */
  organizationId?: string;
  /** Set when the action answered normally but reports a failure (a connection test that failed). */
  failureCode?: ErrorCode;
}

const TARGET = Symbol('auditTarget');

/**
 * Ties an action's audit target to its own result or error. Each audited field reads the value its
 * resolver produced, so two fields of one operation can never see each other's outcome (a
 * request-wide bag did exactly that). The property is a symbol: GraphQL never serializes it.
 */
export function withAuditTarget<T>(value: T, target: AuditTarget): T {
  if (value !== null && typeof value === 'object' && Object.isExtensible(value)) {
    Object.defineProperty(value, TARGET, { value: target, enumerable: false, configurable: true });
  }
  return value;
}

export function auditTargetOf(value: unknown): AuditTarget | undefined {
  return value !== null && typeof value === 'object'
    ? ((value as { [TARGET]?: AuditTarget })[TARGET] ?? undefined)
    : undefined;
}

/** Runs an action on a known target: its result, or the error it throws, carries the target. */
export async function actOn<T>(target: AuditTarget, action: () => Promise<T>): Promise<T> {
  try {
    const result = await action();
    // A target set deeper (an inner actOn that knew more, e.g. the account key) wins.
    return withAuditTarget(result, { ...target, ...auditTargetOf(result) });
  } catch (error) {
    throw withAuditTarget(error, { ...target, ...auditTargetOf(error) });
  }
}
