package io.driftguard.state;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stops calling a sick part of ARM, one circuit per subscription and one per resource, so that one sick app or
 * subscription fails alone. A resource's circuit opens after {@code failures} server errors or transport failures in
 * a row on it; a subscription's after failures on {@code failures} different resources with no success in between
 * (one app answering 500 again and again says nothing about its neighbours). An open circuit fails fast for
 * {@code openFor} on the clock; then one probe is let through, and its answer closes or re-opens it. Throttling (429)
 * and client errors are answers, not sickness.
 *
 * <p>Each circuit is a Resilience4j circuit breaker on the injected clock: a count window of {@code failures} calls
 * that opens when all of them failed, one call in half-open state. A circuit exists only from a failure to the next
 * success (a success closes it, as a new one is closed), so a healthy estate keeps, and loads, none.
 */
public final class CircuitBreaker {

  /** Thresholds; immutable. */
  public record Limits(int failures, Duration openFor) {}

  private static final Throwable SICK = new IllegalStateException("server error or transport failure");

  private final Limits limits;
  private final Clock clock;
  private final Map<String, SubscriptionCircuit> subscriptions = new HashMap<>();
  private final Map<String, io.github.resilience4j.circuitbreaker.CircuitBreaker> resources = new HashMap<>();

  public CircuitBreaker(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Throws {@link FailFastException} while the subscription's or the resource's circuit is open; in half-open state
   * lets exactly one probe through.
   */
  synchronized void acquire(String subscription, String resource) {
    SubscriptionCircuit forSubscription = subscriptions.get(subscription);
    if (forSubscription != null && !forSubscription.circuit.tryAcquirePermission()) {
      throw open("subscription " + subscription + " after server errors on " + limits.failures()
          + " different resources");
    }
    var forResource = resources.get(resource);
    if (forResource != null && !forResource.tryAcquirePermission()) {
      if (forSubscription != null) {
        forSubscription.circuit.releasePermission();
      }
      throw open(resource + " after " + limits.failures() + " consecutive server errors");
    }
  }

  synchronized void succeeded(String subscription, String resource) {
    subscriptions.remove(subscription);
    resources.remove(resource);
  }

  synchronized void failed(String subscription, String resource) {
    subscriptions.computeIfAbsent(subscription, key -> new SubscriptionCircuit(circuit())).failedOn(resource);
    resources.computeIfAbsent(resource, key -> circuit()).onError(0, TimeUnit.NANOSECONDS, SICK);
  }

  /** A try that ended without telling anything about ARM's health (e.g. failed fast for another reason). */
  synchronized void abandoned(String subscription, String resource) {
    SubscriptionCircuit forSubscription = subscriptions.get(subscription);
    if (forSubscription != null) {
      forSubscription.circuit.releasePermission();
    }
    var forResource = resources.get(resource);
    if (forResource != null) {
      forResource.releasePermission();
    }
  }

  synchronized boolean isOpen(String subscription, String resource) {
    SubscriptionCircuit forSubscription = subscriptions.get(subscription);
    var forResource = resources.get(resource);
    return (forSubscription != null && forSubscription.circuit.getState() == State.OPEN)
        || (forResource != null && forResource.getState() == State.OPEN);
  }

  private FailFastException open(String what) {
    return new FailFastException("ARM circuit open for " + what + "; calls resume within "
        + limits.openFor().toSeconds() + " s");
  }

  private io.github.resilience4j.circuitbreaker.CircuitBreaker circuit() {
    return io.github.resilience4j.circuitbreaker.CircuitBreaker.of("arm", CircuitBreakerConfig.custom()
        .slidingWindow(limits.failures(), limits.failures(), SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(100)
        // Resilience4j lets the probe through strictly after its wait (in milliseconds); calls resume at openFor.
        .waitDurationInOpenState(limits.openFor().minusMillis(1))
        .permittedNumberOfCallsInHalfOpenState(1)
        .clock(clock)
        .build());
  }

  /** A subscription's circuit counts a failing resource once: its own circuit speaks for its repeats. */
  private static final class SubscriptionCircuit {
    private final io.github.resilience4j.circuitbreaker.CircuitBreaker circuit;
    private final Set<String> failingResources = new HashSet<>();

    SubscriptionCircuit(io.github.resilience4j.circuitbreaker.CircuitBreaker circuit) {
      this.circuit = circuit;
    }

    void failedOn(String resource) {
      // A probe's failure re-opens the circuit whichever resource it came from.
      if (circuit.getState() != State.CLOSED || failingResources.add(resource)) {
        circuit.onError(0, TimeUnit.NANOSECONDS, SICK);
      }
      if (circuit.getState() != State.CLOSED) {
        failingResources.clear();
      }
    }
  }
}
