package io.driftguard.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackgroundTest {

  @Test
  void buildsOnItsOwnNamedDaemonThread() {
    Background<String> value = Background.start("driftguard-test-build",
        () -> Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));

    assertEquals("driftguard-test-build daemon", value.get());
    assertEquals("driftguard-test-build daemon", value.future().join());
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
}
