package io.driftguard.record;

import io.driftguard.fanout.SweepClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Sweep claims in Table storage, keyed by subscription under their own row key ({@value #ROW}): no event id, whatever
 * it reads, names one. A sweep releases its claim when it ends and never marks one done, so a claim found done, or
 * held past (or claiming more than) a sweep's lifetime, is taken over with the reason.
 */
public final class TableSweepClaims implements SweepClaims {

  private static final String ROW = "sweep";

  private final ClaimRows rows;

  /** @param liveFor as long as a sweep may run */
  public TableSweepClaims(TableStorage storage, Duration liveFor) {
    this.rows = new ClaimRows(storage, ROW, liveFor, Duration.ZERO);
  }

  @Override
  public Taken claim(String subscription, Instant now) {
    ClaimRows.Claimed claimed = rows.claim(key(subscription), now);
    return switch (claimed.found()) {
      case CLAIMED -> new Taken(true, Optional.empty());
      case TAKEN_OVER -> new Taken(true, Optional.of(claimed.why()));
      case DONE, HELD -> new Taken(false, Optional.empty());
    };
  }

  @Override
  public void release(String subscription) {
    rows.release(key(subscription));
  }

  @Override
  public int deleteExpired(Instant now) {
    return rows.deleteExpired(now);
  }

  private static String key(String subscription) {
    return TableKeys.of(subscription.toLowerCase(Locale.ROOT));
  }
}
