import {
  ConsecutiveBreaker,
  CircuitState,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { UpstreamFailure } from './upstream-failure';

/**
 * One circuit breaker per provider account: a store that keeps failing stops costing every request
 * a full timeout, while other stores on the same provider keep working.
 * cockatiel's breaker is used rather than a hand-written one for its half-open state handling.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly options: { consecutiveFailures: number; halfOpenAfterMs: number; maxTracked?: number },
  ) {}

  for(key: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      // Only failures that say the provider is unwell open the circuit; a 404 or a 401 does not.
      breaker = circuitBreaker(
        handleWhen((err) => err instanceof UpstreamFailure && err.countsAgainstCircuit),
        {
          halfOpenAfter: this.options.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(this.options.consecutiveFailures),
        },
      );
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
      if (breaker.state === CircuitState.Closed) {
        this.breakers.delete(key);
        if (this.breakers.size < max) return;
      }
    }
  }
}
