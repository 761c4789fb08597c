package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets on a clock the test moves. */
class ArmThrottlingTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(42 * SECOND);

  @Test
  void bucketEmptiesThenRefillsAtItsRate() {
    ArmThrottling throttling = new ArmThrottling(new ArmThrottle(3, 0.5, 3, 0.5), now::get);

    List<Long> remaining = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      remaining.add(throttling.take("sub", "oid", "GET").remaining());
    }
    ArmThrottling.Verdict refused = throttling.take("sub", "oid", "GET");

    assertEquals(List.of(2L, 1L, 0L), remaining);
    assertFalse(refused.allowed());
    assertEquals(2, refused.retryAfterSeconds(), "one token takes 2 s at 0.5/s");
    now.addAndGet(SECOND + SECOND / 2);
    assertEquals(1, throttling.take("sub", "oid", "GET").retryAfterSeconds(), "0.5 s left, rounded up");
    now.addAndGet(SECOND / 2);
    assertTrue(throttling.take("sub", "oid", "GET").allowed());
    now.addAndGet(3600 * SECOND);
    assertEquals(2, throttling.take("sub", "oid", "GET").remaining(), "refills up to the capacity only");
  }

  @Test
  void bucketsArePerSubscriptionPrincipalAndKind() {
    ArmThrottling throttling = new ArmThrottling(new ArmThrottle(1, 1, 1, 1), now::get);
    assertTrue(throttling.take("sub-a", "oid-1", "GET").allowed());

    assertFalse(throttling.take("SUB-A", "oid-1", "GET").allowed(), "subscription ids are case-insensitive");
    assertTrue(throttling.take("sub-b", "oid-1", "GET").allowed());
    assertTrue(throttling.take("sub-a", "oid-2", "GET").allowed());
    assertEquals(ArmThrottling.Kind.WRITE, throttling.take("sub-a", "oid-1", "PATCH").kind());
    assertTrue(throttling.take("sub-a", "oid-1", "DELETE").allowed(), "deletes have their own bucket");
    assertFalse(throttling.take("sub-a", "oid-1", "POST").allowed(), "POST shares the write bucket");
  }

  @Test
  void concurrentRequestsTakeExactlyTheTokensThereAre() throws Exception {
    ArmThrottling throttling = new ArmThrottling(new ArmThrottle(250, 25, 200, 10), now::get);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> allowed = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        allowed.add(pool.submit(() -> {
          int count = 0;
          for (int i = 0; i < 100; i++) {
            count += throttling.take("sub", "oid", "GET").allowed() ? 1 : 0;
          }
          return count;
        }));
      }
      int total = 0;
      for (Future<Integer> future : allowed) {
        total += future.get();
      }
      assertEquals(250, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void limitsScaleAndOffIsTheOnlyZero() {
    ArmThrottle small = ArmThrottle.azureDefaults().scaled(0.02);

    assertEquals(new ArmThrottle(5, 0.5, 4, 0.2), small);
    assertEquals(1, ArmThrottle.azureDefaults().scaled(0.0001).writeCapacity());
    assertSame(ArmThrottle.OFF, ArmThrottle.OFF.scaled(10));
    assertTrue(ArmThrottle.OFF.isOff());
    assertFalse(small.isOff());
    assertThrows(IllegalArgumentException.class, () -> new ArmThrottle(5, 0, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> new ArmThrottle(0, 1, 5, 1));
    assertEquals(ArmThrottle.OFF, SandboxOptions.defaults().withThrottling(null).throttle());
  }
}
