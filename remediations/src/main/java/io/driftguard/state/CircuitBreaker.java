package io.driftguard.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Stops calling a sick part of ARM, one circuit per subscription and one per resource, so that one sick app or
 * subscription fails alone. A resource's circuit opens after {@code failures} server errors or transport failures in
 * a row on it; a subscription's after failures on {@code failures} different resources with no success in between
 * (one app answering 500 again and again says nothing about its neighbours). An open circuit fails fast for
 * {@code openFor} on the clock; then one probe is let through, and its answer closes or re-opens it. Throttling (429)
 * and client errors are answers, not sickness.
 */
public final class CircuitBreaker {

  /** Thresholds; immutable. */
  public record Limits(int failures, Duration openFor) {}

  private final Limits limits;
  private final Clock clock;
  private final Map<String, Circuit> subscriptions = new HashMap<>();
  /** Only resources with failures since their last success: a healthy estate leaves this empty. */
  private final Map<String, Circuit> resources = new HashMap<>();

  public CircuitBreaker(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Throws {@link FailFastException} while the subscription's or the resource's circuit is open; in half-open state
   * lets exactly one probe through.
   */
  synchronized void acquire(String subscription, String resource) {
    Instant now = clock.instant();
    Circuit forSubscription = subscriptions.computeIfAbsent(subscription, key -> new Circuit());
    forSubscription.acquire(now, "subscription " + subscription + " after server errors on " + limits.failures()
        + " different resources");
    Circuit forResource = resources.get(resource);
    if (forResource != null) {
      try {
        forResource.acquire(now, resource + " after " + limits.failures() + " consecutive server errors");
      } catch (FailFastException e) {
        forSubscription.abandoned();
        throw e;
      }
    }
  }

  synchronized void succeeded(String subscription, String resource) {
    subscriptions.computeIfAbsent(subscription, key -> new Circuit()).succeeded();
    resources.remove(resource);
  }

  synchronized void failed(String subscription, String resource) {
    Instant now = clock.instant();
    Circuit forSubscription = subscriptions.computeIfAbsent(subscription, key -> new Circuit());
    forSubscription.failedOn(resource, now);
    resources.computeIfAbsent(resource, key -> new Circuit()).failedOn(null, now);
  }

  /** A try that ended without telling anything about ARM's health (e.g. failed fast for another reason). */
  synchronized void abandoned(String subscription, String resource) {
    subscriptions.computeIfAbsent(subscription, key -> new Circuit()).abandoned();
    Circuit forResource = resources.get(resource);
    if (forResource != null) {
      forResource.abandoned();
    }
  }

  synchronized boolean isOpen(String subscription, String resource) {
    Instant now = clock.instant();
    Circuit forSubscription = subscriptions.get(subscription);
    Circuit forResource = resources.get(resource);
    return (forSubscription != null && forSubscription.isOpen(now)) || (forResource != null && forResource.isOpen(now));
  }

  private enum State { CLOSED, OPEN, HALF_OPEN }

  /** One circuit; its owner's lock guards it. */
  private final class Circuit {
    private State state = State.CLOSED;
    /** Failures in a row; for a subscription, the different resources they came from. */
    private final Set<String> failingResources = new HashSet<>();
    private int failures;
    private Instant openUntil = Instant.MIN;
    private boolean probing;

    void acquire(Instant now, String what) {
      if (state == State.OPEN && !now.isBefore(openUntil)) {
        state = State.HALF_OPEN;
        probing = false;
      }
      if (state == State.OPEN || (state == State.HALF_OPEN && probing)) {
        throw new FailFastException("ARM circuit open for " + what + "; calls resume within "
            + limits.openFor().toSeconds() + " s");
      }
      if (state == State.HALF_OPEN) {
        probing = true;
      }
    }

    void succeeded() {
      state = State.CLOSED;
      failures = 0;
      failingResources.clear();
      probing = false;
    }

    /** @param resource the failing resource, counted once each; null to count every failure */
    void failedOn(String resource, Instant now) {
      if (resource == null || failingResources.add(resource)) {
        failures++;
      }
      if (state == State.HALF_OPEN || failures >= limits.failures()) {
        state = State.OPEN;
        openUntil = now.plus(limits.openFor());
        probing = false;
        failures = 0;
        failingResources.clear();
      }
    }

    void abandoned() {
      probing = false;
    }

    boolean isOpen(Instant now) {
      return state == State.OPEN && now.isBefore(openUntil);
    }
  }
}
