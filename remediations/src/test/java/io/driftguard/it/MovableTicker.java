package io.driftguard.it;

import io.driftguard.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when told to, or when something sleeps on it: a sleep passes at once. */
public final class MovableTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong();

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  @Override
  public void sleep(Duration duration) {
    advance(duration);
  }
}
