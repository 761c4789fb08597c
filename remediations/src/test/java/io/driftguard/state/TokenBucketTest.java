package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aFullBucketServesItsBurstAtOnceThenSpreadsAtTheRefillRate() {
    TokenBucket bucket = new TokenBucket(3, 10);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.of(Duration.ZERO), bucket.reserve(Duration.ZERO));
    }
    Duration fourth = bucket.reserve(Duration.ofSeconds(1)).orElseThrow();
    Duration fifth = bucket.reserve(Duration.ofSeconds(1)).orElseThrow();
    assertTrue(fourth.toMillis() > 80 && fourth.toMillis() <= 100, "one token every 100 ms: " + fourth);
    assertTrue(fifth.toMillis() > 180 && fifth.toMillis() <= 200, "reservations queue up: " + fifth);
  }

  @Test
  void aWaitLongerThanAllowedReservesNothing() {
    TokenBucket bucket = new TokenBucket(1, 1);
    bucket.reserve(Duration.ZERO).orElseThrow();
    assertEquals(Optional.empty(), bucket.reserve(Duration.ofMillis(500)));
    Duration wait = bucket.reserve(Duration.ofSeconds(2)).orElseThrow();
    assertTrue(wait.toMillis() <= 1000, "the refused reservation took no token: " + wait);
  }

  @Test
  void armsRemainingCountPullsTheBucketDown() {
    TokenBucket bucket = new TokenBucket(250, 25);
    bucket.observeRemaining(0);
    Duration wait = bucket.reserve(Duration.ofSeconds(1)).orElseThrow();
    assertTrue(wait.toMillis() >= 30, "another client emptied ARM's bucket: " + wait);
    bucket.observeRemaining(1000);
    assertTrue(bucket.reserve(Duration.ZERO).isEmpty(), "a higher count never adds tokens");
  }
}
