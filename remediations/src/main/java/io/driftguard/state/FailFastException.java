package io.driftguard.state;

/**
 * Raised inside the ARM pipeline to stop at once rather than wait or retry: the event's budget is spent, ARM's
 * Retry-After reaches past it, or the circuit breaker is open. The retry policy does not retry it; the event fails
 * retryably and Event Grid delivers it again later.
 */
public final class FailFastException extends RuntimeException {
  public FailFastException(String reason) {
    super(reason, null, false, false);
  }
}
