package io.driftguard.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BackgroundTest {

  @Test
  void buildsOnItsOwnNamedThreadWithoutWaitingForTheCaller() throws Exception {
    CountDownLatch callerWentOn = new CountDownLatch(1);
    Background<String> value = Background.start("driftguard-test-build", () -> {
      await(callerWentOn);
      return Thread.currentThread().getName();
    });

    callerWentOn.countDown();

    assertEquals("driftguard-test-build", value.get());
  }

  @Test
  void everyCallerGetsWhatBuildingItThrew() {
    IllegalStateException failure = new IllegalStateException("cannot build");
    Background<String> value = Background.start("driftguard-test-failure", () -> {
      throw failure;
    });

    assertSame(failure, assertThrows(IllegalStateException.class, value::get));
    assertSame(failure, assertThrows(IllegalStateException.class, value::get));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
