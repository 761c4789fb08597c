package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Random faults, without HTTP: what {@link Faults} answers request by request. */
class ChaosTest {
  private static final Fault THROTTLE = Fault.on("*", "/sites/").status(429).retryAfterSeconds(1);
  private static final Fault UNAVAILABLE = Fault.on("*", "/sites/").status(503);
  private static final Fault RESET = Fault.on("PATCH", "/config/web$").resetConnection();
  private static final String CONFIG = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a/config/web";

  @Test
  void theSeedDecidesWhichRequestsFailAndHow() {
    assertEquals(statuses(Chaos.of(0.3, 42, THROTTLE, UNAVAILABLE, RESET)),
        statuses(Chaos.of(0.3, 42, THROTTLE, UNAVAILABLE, RESET)));
    assertNotEquals(statuses(Chaos.of(0.3, 42, THROTTLE, UNAVAILABLE, RESET)),
        statuses(Chaos.of(0.3, 43, THROTTLE, UNAVAILABLE, RESET)));
  }

  @Test
  void injectsAboutTheProbabilityAndCountsByFault() {
    Faults faults = new Faults();
    ChaosHandle chaos = faults.inject(Chaos.of(0.3, 1, THROTTLE, UNAVAILABLE, RESET));

    int failed = 0;
    for (int i = 0; i < 1000; i++) {
      failed += answer(faults, "PATCH", CONFIG) == 200 ? 0 : 1;
      assertEquals(200, answer(faults, "GET", "/subscriptions/s/providers/Microsoft.Insights/x"), "no match");
    }

    assertEquals(failed, chaos.injectedTotal());
    assertTrue(failed > 240 && failed < 360, "failed " + failed);
    assertEquals(List.of(THROTTLE, UNAVAILABLE, RESET), List.copyOf(chaos.injected().keySet()));
    chaos.injected().values().forEach(count -> assertTrue(count > 60, "each fault about a third: " + count));
  }

  @Test
  void onlyMatchingFaultsAreChosenAndInjectedFaultsComeFirst() {
    Faults faults = new Faults();
    ChaosHandle chaos = faults.inject(Chaos.of(1, 7, THROTTLE, RESET));
    for (int i = 0; i < 20; i++) {
      assertEquals(429, answer(faults, "GET", CONFIG), "the reset is for PATCH only");
    }
    faults.inject(Fault.on("GET", "/sites/").status(500));

    assertEquals(500, answer(faults, "GET", "/sites/a"));
    assertEquals(20, chaos.injectedTotal());
    chaos.remove();
    assertEquals(200, answer(faults, "GET", "/sites/a"));
  }

  @Test
  void countsStayExactUnderConcurrency() throws Exception {
    Faults faults = new Faults();
    ChaosHandle chaos = faults.inject(Chaos.of(0.5, 3, UNAVAILABLE));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> failures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        failures.add(pool.submit(() -> {
          int failed = 0;
          for (int i = 0; i < 500; i++) {
            failed += answer(faults, "GET", "/sites/a") == 503 ? 1 : 0;
          }
          return failed;
        }));
      }
      int failed = 0;
      for (Future<Integer> future : failures) {
        failed += future.get();
      }
      assertEquals(failed, chaos.injectedTotal());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void chaosNeedsFaultsAndAProbability() {
    assertThrows(IllegalArgumentException.class, () -> Chaos.of(0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> Chaos.of(1.5, 1, UNAVAILABLE));
  }

  /** The statuses of 200 requests to a site's config/web, alternately GET and PATCH; 0 for a reset. */
  private static List<Integer> statuses(Chaos chaos) {
    Faults faults = new Faults();
    faults.inject(chaos);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      statuses.add(answer(faults, i % 2 == 0 ? "GET" : "PATCH", CONFIG));
    }
    return statuses;
  }

  /** The status a request gets: a fault's, 0 for a reset, or 200 when no fault applies. */
  private static int answer(Faults faults, String method, String path) {
    ArmResponse forced = faults.apply(method, path, Duration.ZERO,
        fault -> ArmResponse.error(fault.status(), "Chaos", "injected"));
    return forced == null ? 200 : forced.status();
  }
}
