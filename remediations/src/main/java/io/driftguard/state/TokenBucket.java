package io.driftguard.state;

import io.driftguard.time.Ticker;
import java.time.Duration;
import java.util.Optional;

/**
 * A token bucket like ARM's own: {@code capacity} tokens, refilled at {@code perSecond}. A request reserves a token and
 * is told how long to wait for it; reservations queue up in order, so a burst is spread at the refill rate.
 *
 * <p>Kept rather than Resilience4j's rate limiter (whose circuit breaker driftguard uses): that one hands out a fixed
 * number of permits per fixed period, all at once at the period's start, so it cannot express a bucket that holds a
 * burst of 250 and refills at 25 a second; nor can ARM's remaining-count headers pull it down.
 */
final class TokenBucket {

  private final Ticker ticker;
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long lastNanos;

  TokenBucket(double capacity, double perSecond, Ticker ticker) {
    this.ticker = ticker;
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.tokens = capacity;
    this.lastNanos = ticker.nanos();
  }

  /** Reserves a token if it will be available within {@code maxWait}; returns the wait, or empty (nothing reserved). */
  synchronized Optional<Duration> reserve(Duration maxWait) {
    refill();
    double missing = 1 - tokens;
    long waitNanos = missing <= 0 ? 0 : (long) Math.ceil(missing / perNano);
    if (waitNanos > maxWait.toNanos()) {
      return Optional.empty();
    }
    tokens -= 1;
    return Optional.of(Duration.ofNanos(waitNanos));
  }

  /** ARM says how many tokens it has left for us; other clients of the same identity spend from that bucket too. */
  synchronized void observeRemaining(long remaining) {
    refill();
    if (remaining < tokens) {
      tokens = remaining;
    }
  }

  private void refill() {
    long now = ticker.nanos();
    tokens = Math.min(capacity, tokens + (now - lastNanos) * perNano);
    lastNanos = now;
  }
}
