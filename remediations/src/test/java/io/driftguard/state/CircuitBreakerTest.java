package io.driftguard.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final CircuitBreaker breaker = new CircuitBreaker(new CircuitBreaker.Limits(3, Duration.ofMillis(100)));

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      breaker.acquire();
      breaker.failed();
    }
  }

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    fail(2);
    breaker.acquire();
    breaker.succeeded();
    fail(2);
    assertFalse(breaker.isOpen(), "a success in between resets the count");
    fail(1);
    assertTrue(breaker.isOpen());
    assertThrows(FailFastException.class, breaker::acquire);
  }

  @Test
  void afterTheOpenTimeOneProbeDecides() throws InterruptedException {
    fail(3);
    Thread.sleep(120);
    assertDoesNotThrow(breaker::acquire);
    assertThrows(FailFastException.class, breaker::acquire, "only one probe at a time");
    breaker.failed();
    assertTrue(breaker.isOpen(), "a failed probe opens it again");
    Thread.sleep(120);
    breaker.acquire();
    breaker.succeeded();
    assertDoesNotThrow(breaker::acquire);
    assertDoesNotThrow(breaker::acquire);
  }

  @Test
  void aProbeThatNeverReachedArmDoesNotJamTheBreaker() throws InterruptedException {
    fail(3);
    Thread.sleep(120);
    breaker.acquire();
    breaker.abandoned();
    assertDoesNotThrow(breaker::acquire);
  }
}
