package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.it.MovableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker's time is the clock's: the test moves it instead of sleeping. */
class CircuitBreakerTest {

  private static final String SUB = "sub-a";
  private static final String SICK = "/subscriptions/sub-a/resourcegroups/rg/providers/microsoft.web/sites/sick";

  private final MovableClock clock = new MovableClock();
  private final CircuitBreaker breaker = new CircuitBreaker(new CircuitBreaker.Limits(3, Duration.ofSeconds(30)), clock);

  private void fail(String subscription, String resource, int times) {
    for (int i = 0; i < times; i++) {
      breaker.acquire(subscription, resource);
      breaker.failed(subscription, resource);
    }
  }

  private static String app(String subscription, int number) {
    return "/subscriptions/" + subscription + "/resourcegroups/rg/providers/microsoft.web/sites/app-" + number;
  }

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    fail(SUB, SICK, 2);
    breaker.acquire(SUB, SICK);
    breaker.succeeded(SUB, SICK);
    fail(SUB, SICK, 2);
    assertFalse(breaker.isOpen(SUB, SICK), "a success in between resets the count");
    fail(SUB, SICK, 1);
    assertTrue(breaker.isOpen(SUB, SICK));
    assertThrows(FailFastException.class, () -> breaker.acquire(SUB, SICK));
  }

  @Test
  void oneSickResourceDoesNotOpenItsSubscription() {
    fail(SUB, SICK, 3);
    assertThrows(FailFastException.class, () -> breaker.acquire(SUB, SICK));
    assertDoesNotThrow(() -> breaker.acquire(SUB, app(SUB, 1)), "its neighbour is still called");
  }

  @Test
  void failuresOnManyResourcesOpenTheirSubscriptionOnly() {
    for (int i = 0; i < 3; i++) {
      fail(SUB, app(SUB, i), 1);
    }
    FailFastException open = assertThrows(FailFastException.class, () -> breaker.acquire(SUB, app(SUB, 9)));
    assertTrue(open.getMessage().contains("subscription " + SUB), open.getMessage());
    assertDoesNotThrow(() -> breaker.acquire("sub-b", app("sub-b", 1)), "another subscription is still called");
  }

  @Test
  void afterTheOpenTimeOneProbeDecides() {
    fail(SUB, SICK, 3);
    clock.advance(Duration.ofSeconds(29));
    assertThrows(FailFastException.class, () -> breaker.acquire(SUB, SICK), "still open before its time is up");
    clock.advance(Duration.ofSeconds(1));
    assertDoesNotThrow(() -> breaker.acquire(SUB, SICK));
    assertThrows(FailFastException.class, () -> breaker.acquire(SUB, SICK), "only one probe at a time");
    breaker.failed(SUB, SICK);
    assertTrue(breaker.isOpen(SUB, SICK), "a failed probe opens it again");
    clock.advance(Duration.ofSeconds(30));
    breaker.acquire(SUB, SICK);
    breaker.succeeded(SUB, SICK);
    assertDoesNotThrow(() -> breaker.acquire(SUB, SICK));
    assertDoesNotThrow(() -> breaker.acquire(SUB, SICK));
  }

  @Test
  void aProbeThatNeverReachedArmDoesNotJamTheBreaker() {
    fail(SUB, SICK, 3);
    clock.advance(Duration.ofSeconds(30));
    breaker.acquire(SUB, SICK);
    breaker.abandoned(SUB, SICK);
    assertDoesNotThrow(() -> breaker.acquire(SUB, SICK));
  }
}
