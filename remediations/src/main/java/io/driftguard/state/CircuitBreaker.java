package io.driftguard.state;

import java.time.Duration;

/**
 * Stops calling a sick ARM: after {@code failures} server errors or transport failures in a row it opens for
 * {@code openFor}, failing fast; then one probe is let through, and its answer closes or re-opens the circuit.
 * Throttling (429) and client errors are answers, not sickness.
 */
public final class CircuitBreaker {

  /** Thresholds; immutable. */
  public record Limits(int failures, Duration openFor) {}

  private enum State { CLOSED, OPEN, HALF_OPEN }

  private final Limits limits;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openUntilNanos;
  private boolean probing;

  public CircuitBreaker(Limits limits) {
    this.limits = limits;
  }

  /** Throws {@link FailFastException} while open; in half-open state lets exactly one probe through. */
  synchronized void acquire() {
    if (state == State.OPEN && System.nanoTime() >= openUntilNanos) {
      state = State.HALF_OPEN;
      probing = false;
    }
    if (state == State.OPEN || (state == State.HALF_OPEN && probing)) {
      throw new FailFastException("ARM circuit open after " + limits.failures() + " consecutive server errors;"
          + " calls resume within " + limits.openFor().toSeconds() + " s");
    }
    if (state == State.HALF_OPEN) {
      probing = true;
    }
  }

  synchronized void succeeded() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    probing = false;
  }

  synchronized void failed() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || consecutiveFailures >= limits.failures()) {
      state = State.OPEN;
      openUntilNanos = System.nanoTime() + limits.openFor().toNanos();
      probing = false;
    }
  }

  /** A try that ended without telling anything about ARM's health (e.g. failed fast for another reason). */
  synchronized void abandoned() {
    probing = false;
  }

  synchronized boolean isOpen() {
    return state == State.OPEN && System.nanoTime() < openUntilNanos;
  }
}
