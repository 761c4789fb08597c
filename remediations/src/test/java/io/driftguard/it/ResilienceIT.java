package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantFunctionApp;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.FaultHandle;
import io.driftguard.sandbox.SiteHandle;
import java.time.Duration;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ARM misbehaving: throttling beyond the budget, a sick endpoint, resets, deletes mid-fix; and bursts for one app. */
class ResilienceIT {

  private static final Map<String, String> AUTOFIX = Map.of("DRIFTGUARD_MODE", "autofix");
  private static final Map<String, String> BREAKER = Map.of("DRIFTGUARD_MODE", "autofix",
      "DRIFTGUARD_ARM_BREAKER_FAILURES", "3", "DRIFTGUARD_ARM_BREAKER_OPEN", "60s");
  private static final String SICK_SUBSCRIPTION = "00000000-0000-0000-0000-0000000051c6";

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  @Test
  void aRetryAfterBeyondTheEventsBudgetFailsAtOnceAndRetryably() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-slow-429"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    arm().inject(Fault.on("GET", app.site() + "/config/web").status(429).retryAfterSeconds(60).times(1));

    MovableTicker ticker = new MovableTicker();
    Decision decision = deliver(engine(AUTOFIX, ticker), event);

    assertEquals(Outcome.FAILED, decision.outcome());
    assertTrue(decision.retryable());
    assertTrue(decision.reason().contains("Retry-After 60"), decision.reason());
    assertEquals(List.of(), ticker.sleeps(), "no sleeping through a minute: failed at once");
    assertEquals(Outcome.FIXED, deliver(engine(AUTOFIX), event).outcome(), "the redelivery succeeds");
  }

  /**
   * A sweep's site listing throttled once is tried again after its Retry-After, waited on the engine's ticker: the SDK
   * pages the list asynchronously, so this is the retry layer's async path, as the event above is its sync one.
   */
  @Test
  void aThrottledSiteListingIsTriedAgainAfterItsRetryAfterOnTheTicker() {
    String subscription = "00000000-0000-0000-0000-0000000a7e51";
    SiteHandle app = arm().seedSite(subscription, "rg-listed", uniqueName("func-listed"), "functionapp", Map.of(), true,
        LocalAzure.compliantConfig());
    arm().inject(Fault.on("GET", "^/subscriptions/" + subscription + "/providers/Microsoft.Web/sites$").status(429)
        .retryAfterSeconds(2).times(1));
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_SUBSCRIPTIONS", subscription);
    settings.put("DRIFTGUARD_SWEEP_SOURCE", "arm");
    MovableTicker ticker = new MovableTicker();
    List<Decision> decisions = new CopyOnWriteArrayList<>();

    SweepSummary summary = LocalAzure.parts(settings, ticker).sweeper().run(
        SweepRequest.oneOff(List.of(subscription), true, Duration.ofMinutes(1)), LocalAzure.collectingInto(decisions));

    assertEquals(List.of(), summary.problems(), summary.toString());
    assertTrue(ticker.sleeps().contains(Duration.ofSeconds(2)), "waited for Retry-After on the ticker: " + ticker.sleeps());
    assertTrue(decisions.stream().anyMatch(decision -> app.id().equalsIgnoreCase(decision.resource())),
        "the listed app was judged: " + decisions);
  }

  @Test
  void aSickAppFailsAloneAndItsSubscriptionNeighboursAreStillServed() {
    SiteHandle sick = compliantFunctionApp(uniqueName("func-sick"));
    SiteHandle healthy = compliantFunctionApp(uniqueName("func-healthy"));
    MovableClock clock = new MovableClock();
    Remediator engine = engine(BREAKER, clock);
    arm().inject(Fault.on("GET", sick.site() + "(/|$)").status(500).times(Fault.ALWAYS));

    Decision first = deliver(engine, aliceWrites(sick.webConfigId(), "{\"properties\":{}}"));
    assertTrue(first.retryable());
    assertEquals(3, first.armReads(), "the app's own breaker opened on its third server error and stopped the retries");
    int sickReads = requestsFor(sick).size();
    Decision again = deliver(engine, aliceWrites(sick.webConfigId(), "{\"properties\":{}}"));
    assertTrue(again.retryable() && again.reason().contains("circuit open"), again.reason());
    assertEquals(sickReads, requestsFor(sick).size(), "the sick app is not called while its circuit is open");

    Decision neighbour = deliver(engine, aliceWrites(healthy.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    assertEquals(Outcome.FIXED, neighbour.outcome(), neighbour.reason());

    clock.advance(Duration.ofSeconds(61));
    Decision probe = deliver(engine, aliceWrites(sick.webConfigId(), "{\"properties\":{}}"));
    assertTrue(probe.retryable());
    assertEquals(1, probe.armReads(), "once the open time has passed on the clock, one probe goes out and fails");
  }

  @Test
  void aSickSubscriptionFailsFastWithoutBlockingAnother() {
    List<SiteHandle> sickApps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sickApps.add(arm().seedSite(SICK_SUBSCRIPTION, "rg-sick", uniqueName("func-in-sick-sub"), "functionapp,linux",
          Map.of(), true, LocalAzure.compliantConfig()));
    }
    SiteHandle healthy = compliantFunctionApp(uniqueName("func-other-sub"));
    Remediator engine = engine(BREAKER);
    arm().inject(Fault.on("GET", "/subscriptions/" + SICK_SUBSCRIPTION + "/").status(500).times(Fault.ALWAYS));

    for (SiteHandle app : sickApps.subList(0, 3)) {
      assertTrue(deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{}}")).retryable());
    }
    Decision fast = deliver(engine, aliceWrites(sickApps.get(3).webConfigId(), "{\"properties\":{}}"));
    assertTrue(fast.retryable());
    assertTrue(fast.reason().contains("circuit open") && fast.reason().contains(SICK_SUBSCRIPTION), fast.reason());
    assertEquals(List.of(), requestsFor(sickApps.get(3)), "three sick apps open their subscription's circuit");

    Decision elsewhere = deliver(engine, aliceWrites(healthy.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}"));
    assertEquals(Outcome.FIXED, elsewhere.outcome(), elsewhere.reason());
  }

  @Test
  void aResetConnectionIsRetriedAndADeleteInTheMiddleOfAFixIsSkipped() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-reset"));
    arm().inject(Fault.on("PATCH", app.site() + "/config/web").resetConnection().times(1));
    Decision reset = deliver(engine(AUTOFIX), aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    assertEquals(Outcome.FIXED, reset.outcome(), reset.reason());
    // Resent by the pipeline's retry policy, or by the HTTP client when the reset connection came from its pool.
    assertEquals(2, requestsFor(app).stream().filter(request -> request.method().equals("PATCH")).count(),
        "the reset PATCH and its resend");

    SiteHandle gone = compliantFunctionApp(uniqueName("func-vanishing"));
    arm().inject(Fault.on("PATCH", gone.site() + "/config/web").status(404).times(1));
    Decision skipped = deliver(engine(AUTOFIX), aliceWrites(gone.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    assertEquals(Outcome.SKIPPED, skipped.outcome());
    assertFalse(skipped.retryable());
  }

  @Test
  void eventsArrivingDuringAnEvaluationShareOneFreshEvaluationAfterIt() throws Exception {
    SiteHandle app = compliantFunctionApp(uniqueName("func-busy"));
    Remediator engine = engine(AUTOFIX);
    deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{}}"));
    FaultHandle slow = arm().inject(Fault.on("GET", app.site() + "/config/web").delay(Duration.ofMillis(600))
        .times(Fault.ALWAYS));
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      burst.add(aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    }
    int before = requestsFor(app).size();
    ExecutorService threads = Executors.newFixedThreadPool(5);
    try {
      CompletableFuture<Decision> first = CompletableFuture.supplyAsync(() -> deliver(engine, burst.get(0)), threads);
      while (slow.hits() == 0 && !first.isDone()) {
        Thread.onSpinWait(); // until the first evaluation is reading: the others then arrive during it
      }
      List<CompletableFuture<Decision>> rest = burst.subList(1, 5).stream()
          .map(event -> CompletableFuture.supplyAsync(() -> deliver(engine, event), threads)).toList();

      assertEquals(Outcome.FIXED, first.get().outcome());
      List<Decision> later = rest.stream().map(CompletableFuture::join).toList();
      assertEquals(1, later.stream().filter(decision -> decision.armReads() > 0).count(), "one shared evaluation");
      assertTrue(later.stream().filter(decision -> decision.armReads() == 0)
          .allMatch(decision -> decision.reason().startsWith("answered by the evaluation for event")));
      assertTrue(later.stream().allMatch(decision -> decision.outcome() == Outcome.COMPLIANT), "the first one fixed it");
      assertEquals(2 * LocalAzure.DEFAULT_READS + 1, requestsFor(app).size() - before,
          "two evaluations' reads and one fix, not five of each");
    } finally {
      threads.shutdownNow();
    }
  }
}
