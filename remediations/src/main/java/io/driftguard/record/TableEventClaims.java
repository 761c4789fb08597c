package io.driftguard.record;

import io.driftguard.engine.EventClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Event claims in Table storage, one entity per event id, in their own namespace (row key {@value #ROW}): inserted
 * only if absent, so of two instances handling one event at once exactly one acts. A claim in hand lives
 * {@link #LIVE_FOR}; then another instance may take it over (its holder crashed). A handled event stays claimed as done
 * for {@link #DONE_FOR}, so later deliveries anywhere are duplicates; then the claim is deleted with the other expired
 * ones ({@link io.driftguard.fanout.SweepClaims#deleteExpired}).
 */
public final class TableEventClaims implements EventClaims {

  /**
   * Longer than any delivery takes (Event Grid waits 30 s for an answer, and one event's ARM budget is at most 25 s),
   * so a live claim means its holder is still at work; short next to Event Grid's later retry intervals (minutes).
   */
  public static final Duration LIVE_FOR = Duration.ofMinutes(1);
  /** Event Grid stops delivering an event 24 hours after it was published: no duplicate comes later. */
  public static final Duration DONE_FOR = ClaimRows.LONGEST_LIFETIME;
  /** The row key of event claims, as before claims had kinds, so claims in flight during an upgrade still count. */
  private static final String ROW = "claim";

  private final ClaimRows rows;
  private final Clock clock;

  public TableEventClaims(TableStorage storage, Clock clock) {
    this.rows = new ClaimRows(storage, ROW, LIVE_FOR, DONE_FOR);
    this.clock = clock;
  }

  /** A claim taken over from a holder past its lifetime is this instance's: the event is handled as any other. */
  @Override
  public Claim claim(String eventId, Instant now) {
    return switch (rows.claim(TableKeys.of(eventId), now).found()) {
      case CLAIMED, TAKEN_OVER -> Claim.CLAIMED;
      case DONE -> Claim.DONE;
      case HELD -> Claim.HELD;
    };
  }

  @Override
  public void done(String eventId) {
    rows.done(TableKeys.of(eventId), clock.instant());
  }

  @Override
  public void release(String eventId) {
    rows.release(TableKeys.of(eventId));
  }
}
