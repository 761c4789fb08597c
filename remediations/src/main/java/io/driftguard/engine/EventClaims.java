package io.driftguard.engine;

import java.time.Instant;

/**
 * Claims an event across instances before it is acted on, so one event delivered to two instances at once is fixed and
 * reported once. A claim lives for a while ({@link Claim#HELD} to others meanwhile): an instance that crashes holding it
 * loses it when it expires, so the event is never lost; one that fails retryably releases it for the redelivery.
 */
public interface EventClaims {

  /** No claims (no storage configured): each instance dedupes only its own deliveries. */
  EventClaims NONE = new EventClaims() {
    @Override
    public Claim claim(String eventId, Instant now) {
      return Claim.CLAIMED;
    }

    @Override
    public void done(String eventId) {}

    @Override
    public void release(String eventId) {}
  };

  enum Claim {
    /** This instance handles the event. */
    CLAIMED,
    /** Another instance handled it already: a duplicate. */
    DONE,
    /** Another instance is handling it now: it may yet fail, so this delivery is retried rather than dropped. */
    HELD
  }

  Claim claim(String eventId, Instant now);

  /** The event was handled and acknowledged: later deliveries are duplicates. */
  void done(String eventId);

  /** The event failed retryably: the redelivery, on any instance, may claim it at once. */
  void release(String eventId);
}
