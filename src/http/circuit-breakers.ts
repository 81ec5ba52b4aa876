import { UpstreamFailure } from './upstream-failure';

/** Thrown instead of calling a provider account whose circuit is open. */
export class BrokenCircuitError extends Error {
  constructor() {
    super('circuit open');
    this.name = 'BrokenCircuitError';
  }
}

/**
 * A consecutive-failure breaker for one provider account: after `threshold` failures in a row that
 * say the provider is unwell, calls fail at once for `halfOpenAfterMs`; then one trial call is let
 * through, and its outcome closes the circuit or opens it again.
 * Hand-written rather than cockatiel's: the bench measured cockatiel's per-call machinery at ~5 % of
 * the gateway's CPU, for state that fits in three fields.
 */
class AccountBreaker {
  private failures = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly halfOpenAfterMs: number,
  ) {}

  async execute<T>(call: () => Promise<T>): Promise<T> {
    const halfOpen = this.openUntil !== 0;
    if (halfOpen && (Date.now() < this.openUntil || this.trialInFlight)) throw new BrokenCircuitError();
    if (halfOpen) this.trialInFlight = true;
    try {
      const result = await call();
      this.failures = 0;
      this.openUntil = 0;
      return result;
    } catch (error) {
      if (error instanceof UpstreamFailure && error.countsAgainstCircuit) {
        this.failures++;
        if (halfOpen || this.failures >= this.threshold) this.openUntil = Date.now() + this.halfOpenAfterMs;
      } else if (halfOpen) {
        // The provider answered (a 404, a 401): it is up, whatever it said.
        this.failures = 0;
        this.openUntil = 0;
      }
      throw error;
    } finally {
      if (halfOpen) this.trialInFlight = false;
    }
  }

  get closed(): boolean {
    return this.openUntil === 0;
  }
}

/**
 * One circuit breaker per provider account: a store that keeps failing stops costing every request
 * a full timeout, while other stores on the same provider keep working.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, AccountBreaker>();

  constructor(
    private readonly options: { consecutiveFailures: number; halfOpenAfterMs: number; maxTracked?: number },
  ) {}

  for(key: string): AccountBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new AccountBreaker(this.options.consecutiveFailures, this.options.halfOpenAfterMs);
      this.evictIfFull();
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  /** Accounts come and go; forget closed breakers first so the map stays bounded. */
  private evictIfFull() {
    const max = this.options.maxTracked ?? 10_000;
    if (this.breakers.size < max) return;
    for (const [key, breaker] of this.breakers) {
      if (breaker.closed) {
        this.breakers.delete(key);
        if (this.breakers.size < max) return;
      }
    }
  }
}
