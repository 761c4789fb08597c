package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Outcome;
import io.driftguard.sandbox.ArmThrottle;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.sweep.Sweeper;
import io.driftguard.documents.Documents;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sweep of 2,000 function apps against ARM's token buckets (scaled up eightfold so the test takes seconds, not
 * minutes, with driftguard's own buckets set to match): no request is throttled, nothing is read but list pages and
 * the documents the controls need, and a run cut short by its time limit resumes where it stopped.
 */
class SweepIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000005eed";
  private static final int FUNCTION_APPS = 2_000;
  private static final int WEB_APPS = 40;
  private static final int PAGE_SIZE = 100;
  private static final ArmThrottle ARM_SCALED = ArmThrottle.azureDefaults().scaled(8);

  @AfterEach
  void throttlingOff() {
    arm().throttle(ArmThrottle.OFF);
  }

  private static Sweeper sweeper() {
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_MODE", "notify");
    settings.put("DRIFTGUARD_SWEEP_SOURCE", "arm");
    settings.put("DRIFTGUARD_ARM_ENDPOINT", LocalAzure.sandbox().armEndpoint().toString());
    settings.put("IDENTITY_ENDPOINT", System.getenv("IDENTITY_ENDPOINT"));
    settings.put("IDENTITY_HEADER", System.getenv("IDENTITY_HEADER"));
    settings.put("DRIFTGUARD_ARM_READ_BURST", String.valueOf(ARM_SCALED.readCapacity()));
    settings.put("DRIFTGUARD_ARM_READS_PER_SECOND", String.valueOf((int) ARM_SCALED.readRefillPerSecond()));
    return Driftguard.builder(Settings.from(settings), Clock.systemUTC(), Ticker.SYSTEM)
        .trust(LocalAzure.sandbox().trustManager())
        .buildAll().sweeper();
  }

  private static long count(List<RecordedRequest> requests, Predicate<RecordedRequest> which) {
    return requests.stream().filter(which).count();
  }

  @Test
  void twoThousandAppsWithoutA429ReadingOnlyWhatControlsNeedAndResumingWhereItStopped() {
    for (int i = 0; i < FUNCTION_APPS; i++) {
      Map<String, Object> config = i % 10 == 0
          ? Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false)
          : LocalAzure.compliantConfig();
      LocalAzure.compliantBeyond(arm().seedSite(SUBSCRIPTION, "rg-estate-" + (i % 7), String.format("func-%04d", i),
          "functionapp,linux", Map.of(), true, config), Documents.SITE, Documents.WEB_CONFIG);
    }
    for (int i = 0; i < WEB_APPS; i++) {
      arm().seedSite(SUBSCRIPTION, "rg-web", String.format("web-%03d", i), "app", Map.of(), false, Map.of());
    }
    arm().throttle(ARM_SCALED);
    int before = botRequests().size();

    SweepSummary interrupted = sweeper().run(
        SweepRequest.resumable("sweep-it", List.of(SUBSCRIPTION), false, Duration.ofSeconds(10)), new CountingListener());
    SweepSummary resumed = sweeper().run(
        SweepRequest.resumable("sweep-it", List.of(SUBSCRIPTION), false, Duration.ofMinutes(2)), new CountingListener());

    assertFalse(interrupted.complete(), "the first run must stop at its limit for this test to mean anything");
    assertTrue(interrupted.decided() > 0, "and must have done some work: " + interrupted);
    assertTrue(resumed.complete(), resumed.toString());
    assertEquals(interrupted.runId(), resumed.runId(), "the second run continues the first");
    assertEquals(FUNCTION_APPS, interrupted.decided() + resumed.decided(), "every app decided exactly once");
    assertEquals(FUNCTION_APPS / 10, interrupted.outcomes().getOrDefault(Outcome.ALERTED, 0)
        + resumed.outcomes().getOrDefault(Outcome.ALERTED, 0));
    assertEquals(0, arm().throttledCount(), "no request throttled");

    List<RecordedRequest> reads = botRequests().subList(before, botRequests().size());
    long configReads = count(reads, request -> request.path().endsWith("/config/web"));
    long policyReads = count(reads, request -> request.path().endsWith("/basicPublishingCredentialsPolicies"));
    long slotLists = count(reads, request -> request.path().endsWith("/slots"));
    long sitePages = count(reads, request -> request.path().toLowerCase().endsWith("/providers/microsoft.web/sites"));
    int pages = (FUNCTION_APPS + WEB_APPS + PAGE_SIZE - 1) / PAGE_SIZE;
    assertEquals(FUNCTION_APPS, configReads, "each app's config read once, across both runs");
    assertEquals(FUNCTION_APPS, slotLists, "each app's slots listed once");
    assertTrue(sitePages <= pages + 1, "the site list, plus the interrupted page once more: " + sitePages);
    assertEquals(FUNCTION_APPS, policyReads, "each app's two publishing policies in one list read");
    assertEquals(configReads + policyReads + slotLists + sitePages, reads.size(),
        "nothing else: no site read, no write, no retry");
    System.out.printf("sweep of %d apps: %d + %d ms, %d config reads, %d slot lists, %d list pages, 0 throttled%n",
        FUNCTION_APPS, interrupted.elapsedMs(), resumed.elapsedMs(), configReads, slotLists, sitePages);
  }

  /** The sweep's listener is called from several threads: it only counts. */
  private static final class CountingListener implements io.driftguard.sweep.SweepListener {}
}
