package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.it.MovableTicker;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bucket's time is the ticker's: the test moves it, so every wait is exact. */
class TokenBucketTest {

  private final MovableTicker ticker = new MovableTicker();

  @Test
  void aFullBucketServesItsBurstAtOnceThenSpreadsAtTheRefillRate() {
    TokenBucket bucket = new TokenBucket(3, 10, ticker);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.of(Duration.ZERO), bucket.reserve(Duration.ZERO));
    }
    assertEquals(Optional.of(Duration.ofMillis(100)), bucket.reserve(Duration.ofSeconds(1)), "one token every 100 ms");
    assertEquals(Optional.of(Duration.ofMillis(200)), bucket.reserve(Duration.ofSeconds(1)), "reservations queue up");
  }

  @Test
  void aWaitLongerThanAllowedReservesNothing() {
    TokenBucket bucket = new TokenBucket(1, 1, ticker);
    bucket.reserve(Duration.ZERO).orElseThrow();
    assertEquals(Optional.empty(), bucket.reserve(Duration.ofMillis(500)));
    assertEquals(Optional.of(Duration.ofSeconds(1)), bucket.reserve(Duration.ofSeconds(2)),
        "the refused reservation took no token");
  }

  @Test
  void timePassingRefillsTheBucketUpToItsCapacity() {
    TokenBucket bucket = new TokenBucket(2, 10, ticker);
    bucket.reserve(Duration.ZERO).orElseThrow();
    bucket.reserve(Duration.ZERO).orElseThrow();
    ticker.advance(Duration.ofSeconds(10));
    assertEquals(Optional.of(Duration.ZERO), bucket.reserve(Duration.ZERO));
    assertEquals(Optional.of(Duration.ZERO), bucket.reserve(Duration.ZERO));
    assertEquals(Optional.of(Duration.ofMillis(100)), bucket.reserve(Duration.ofSeconds(1)), "no more than capacity");
  }

  @Test
  void armsRemainingCountPullsTheBucketDown() {
    TokenBucket bucket = new TokenBucket(250, 25, ticker);
    bucket.observeRemaining(0);
    assertEquals(Optional.of(Duration.ofMillis(40)), bucket.reserve(Duration.ofSeconds(1)),
        "another client emptied ARM's bucket");
    bucket.observeRemaining(1000);
    assertTrue(bucket.reserve(Duration.ZERO).isEmpty(), "a higher count never adds tokens");
  }
}
