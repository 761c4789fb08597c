package io.driftguard.fanout;

import java.time.Instant;
import java.util.Optional;

/**
 * One sweep of a subscription at a time, across instances: a sweep claims its subscription before it starts and
 * releases it when it ends. Sweep claims are a kind of their own, apart from event claims, so no event id names one.
 */
public interface SweepClaims {

  /**
   * {@code claimed} false when another sweep of the subscription holds it now. {@code takenOver} says why a claim
   * found was not believed (held past its lifetime by a holder that crashed, marked done, or claiming a lifetime no
   * sweep has): the caller takes it and warns.
   */
  record Taken(boolean claimed, Optional<String> takenOver) {}

  Taken claim(String subscription, Instant now);

  void release(String subscription);

  /**
   * Deletes claims of every kind whose lifetime has passed, a bounded number per call (the reconcile timer calls it,
   * so the claims table does not grow with every event ever handled); returns how many.
   */
  int deleteExpired(Instant now);
}
