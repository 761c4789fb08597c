package io.driftguard.time;

import java.time.Duration;

/**
 * Monotonic time, for deadlines, waits and rates (a {@link java.time.Clock} gives the date). Production wiring passes
 * {@link #SYSTEM}; tests pass one they move, and whose {@link #sleep} moves it, so that no test waits for time to pass.
 */
public interface Ticker {

  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
    }
  };

  /** Nanoseconds from an arbitrary origin, only to be compared with others of the same ticker. */
  long nanos();

  /** Waits {@code duration} of this ticker's time. */
  void sleep(Duration duration) throws InterruptedException;

  /** Milliseconds since {@code startNanos}, a reading of this ticker. */
  default long millisSince(long startNanos) {
    return (nanos() - startNanos) / 1_000_000;
  }
}
