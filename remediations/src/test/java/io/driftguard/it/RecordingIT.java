package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.recordingSettings;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.sandbox;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.record.FlapLimits;
import io.driftguard.record.StorageTarget;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.EventClaims.Claim;
import io.driftguard.engine.FlapGuard;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.record.AuditEntry;
import io.driftguard.fanout.SweepClaims;
import io.driftguard.record.TableEventClaims;
import io.driftguard.record.TableSweepClaims;
import io.driftguard.record.TableFlapGuard;
import io.driftguard.record.TableStorage;
import io.driftguard.resource.SiteRef;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.state.RetrySettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Table storage as the record of what driftguard did: an outage, a lost answer from ARM, and several instances. */
class RecordingIT {

  private static final String LOWER_TLS = "{\"properties\":{\"minTlsVersion\":\"1.0\"}}";

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  private static Map<String, String> settings(String... pairs) {
    Map<String, String> settings = new HashMap<>(recordingSettings());
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  /** The connection string of an Azurite that was started and stopped again: nothing answers there. */
  private static String stoppedStorage() {
    try (Azurite stopped = Azurite.start()) {
      return stopped.connectionString();
    }
  }

  private static List<Map<String, Object>> rowsOf(Decision decision) {
    return sandbox().logs().rows().stream().filter(row -> decision.eventId().equals(row.get("EventId"))).toList();
  }

  private static List<AuditEntry> auditOf(SiteHandle app) {
    return Driftguard.auditTrail(Settings.from(recordingSettings()), Clock.systemUTC())
        .history(Optional.of(app.site()), Instant.now().minus(Duration.ofMinutes(5)));
  }

  private static List<RecordedRequest> patchesOf(SiteHandle app) {
    return requestsFor(app).stream().filter(request -> request.method().equals("PATCH")).toList();
  }

  @Test
  void withTableStorageDownFixesAndAlertRowsStillGoOutAndTheDecisionSaysRecordingIsDegraded() {
    String storageDown = stoppedStorage();
    SiteHandle drifted = functionApp(uniqueName("func-nostore-fix"), Map.of(), true, compliantConfig());

    Decision fixed = deliver(engine(settings("AzureWebJobsStorage", storageDown, "DRIFTGUARD_MODE", "autofix")),
        aliceWrites(drifted.webConfigId(), LOWER_TLS));

    assertEquals(Outcome.FIXED, fixed.outcome(), fixed.reason());
    assertFalse(fixed.retryable(), "a storage outage is no reason to deliver again: " + fixed.reason());
    assertTrue(fixed.recordingDegraded());
    assertEquals("1.2", properties(arm().webConfig(drifted.id())).get("minTlsVersion"));
    assertTrue(fixed.warnings().stream().anyMatch(warning -> warning.startsWith("flapping not checked for min-tls")),
        fixed.warnings().toString());
    assertTrue(fixed.warnings().stream().anyMatch(warning -> warning.startsWith("audit trail not written")),
        fixed.warnings().toString());
    assertTrue(fixed.warnings().stream().anyMatch(warning -> warning.startsWith("fix intent not recorded")),
        fixed.warnings().toString());
    assertTrue(fixed.warnings().stream().anyMatch(warning -> warning.startsWith("event not claimed")),
        fixed.warnings().toString());
    assertEquals(List.of("fixed"), rowsOf(fixed).stream().map(row -> row.get("Action")).toList());

    SiteHandle insecure = functionApp(uniqueName("func-nostore-alert"), Map.of(), false, compliantConfig());
    Decision alerted = deliver(engine(settings("AzureWebJobsStorage", storageDown)),
        aliceWrites(insecure.webConfigId(), "{\"properties\":{}}"));

    assertEquals(Outcome.ALERTED, alerted.outcome(), alerted.reason());
    assertFalse(alerted.retryable());
    assertTrue(alerted.recordingDegraded());
    assertEquals(List.of("https-only"), rowsOf(alerted).stream().map(row -> row.get("Rule")).toList());
  }

  @Test
  void aFixWhoseAnswerWasLostIsReportedOnceByTheRedelivery() {
    SiteHandle app = functionApp(uniqueName("func-lost-answer"), Map.of(), true, compliantConfig());
    String event = aliceWrites(app.webConfigId(), LOWER_TLS);
    Map<String, String> autofix = settings("DRIFTGUARD_MODE", "autofix");
    arm().inject(Fault.on("PATCH", app.site() + "/config/web").loseAnswer().times(Fault.ALWAYS));

    Decision lost = deliver(engine(autofix), event);

    assertTrue(lost.retryable(), lost.reason());
    assertEquals("1.2", properties(arm().webConfig(app.id())).get("minTlsVersion"), "the PATCH landed");
    assertEquals(List.of(), rowsOf(lost));

    arm().clearFaults();
    Decision redelivered = deliver(engine(autofix), event);

    assertEquals(Outcome.FIXED, redelivered.outcome(), redelivered.reason());
    assertFalse(redelivered.retryable());
    assertEquals(0, redelivered.armWrites(), "nothing left to fix");
    Finding fix = redelivered.findings().get(0);
    assertEquals(List.of("min-tls"), redelivered.findings().stream().map(Finding::rule).toList());
    assertEquals(Action.FIXED, fix.action());
    assertEquals("1.2", fix.written());
    assertTrue(fix.detail().contains("answer from ARM was lost"), fix.detail());
    assertEquals(List.of("fixed"), rowsOf(redelivered).stream().map(row -> row.get("Action")).toList());
    assertEquals(List.of("fixed"), auditOf(app).stream().map(AuditEntry::action).toList());

    assertEquals(Outcome.SKIPPED, deliver(engine(autofix), event).outcome(), "a third delivery is a duplicate");
    assertEquals(1, rowsOf(redelivered).size(), "reported exactly once");
  }

  @Test
  void twoInstancesCountingFixesAtOnceLoseNone() throws Exception {
    FlapLimits limits = new FlapLimits(40, Duration.ofHours(1), Duration.ofHours(24));
    List<FlapGuard> instances = List.of(new TableFlapGuard(storage(), limits), new TableFlapGuard(storage(), limits));
    SiteRef site = SiteRef.site(LocalAzure.SUBSCRIPTION, "rg-it", uniqueName("func-flap-race"));
    Instant now = Instant.now();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> fixes = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        FlapGuard instance = instances.get(thread % 2);
        fixes.add(CompletableFuture.runAsync(() -> IntStream.range(0, 5)
            .forEach(fix -> instance.fixed(site, "min-tls", now, "pipeline")), threads));
      }
      fixes.forEach(CompletableFuture::join);
    } finally {
      threads.shutdownNow();
    }

    FlapGuard.Verdict verdict = instances.get(0).beforeFix(site, "min-tls", now);

    assertFalse(verdict.allowed(), "40 fixes counted, so the 41st drift is not fixed");
    assertTrue(verdict.explanation().startsWith("fixed 40 times"), verdict.explanation());
  }

  @Test
  void oneEventDeliveredToTwoInstancesAtOnceIsFixedAndReportedOnce() throws Exception {
    SiteHandle app = functionApp(uniqueName("func-twice"), Map.of(), true, compliantConfig());
    String event = aliceWrites(app.webConfigId(), LOWER_TLS);
    Map<String, String> autofix = settings("DRIFTGUARD_MODE", "autofix");
    List<Remediator> instances = List.of(engine(autofix), engine(autofix));
    // Slow reads, so that without a claim both instances would read the drift before either fixed it.
    arm().inject(Fault.on("GET", app.site() + "/config/web").delay(Duration.ofSeconds(1)).times(Fault.ALWAYS));
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Decision> decisions;
    try {
      decisions = instances.stream().map(instance -> CompletableFuture.supplyAsync(() -> {
        try {
          together.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return deliver(instance, event);
      }, threads)).toList().stream().map(CompletableFuture::join).toList();
    } finally {
      threads.shutdownNow();
    }

    assertEquals(1, patchesOf(app).size(), "one PATCH: " + decisions);
    Decision winner = decisions.stream().filter(decision -> decision.outcome() == Outcome.FIXED).findFirst().orElseThrow();
    Decision other = decisions.get(decisions.get(0) == winner ? 1 : 0);
    assertTrue(other.retryable() && other.reason().contains("another instance is handling this event"), other.reason());
    assertEquals(List.of("min-tls"), rowsOf(winner).stream().map(row -> row.get("Rule")).toList());
    assertEquals(1, auditOf(app).size());

    Remediator loser = instances.get(decisions.indexOf(other));
    Decision redelivered = deliver(loser, event);
    assertEquals(Outcome.SKIPPED, redelivered.outcome(), redelivered.reason());
    assertEquals(1, patchesOf(app).size());
    assertEquals(1, rowsOf(winner).size(), "one alert story");
  }

  @Test
  void aClaimHeldByACrashedInstanceExpiresAndOneReleasedAfterARetryableFailureIsFreeAtOnce() {
    MovableClock clock = new MovableClock();
    TableEventClaims crashed = new TableEventClaims(storage(), clock);
    TableEventClaims survivor = new TableEventClaims(storage(), clock);
    String event = uniqueName("event");
    Instant now = clock.instant();

    assertEquals(Claim.CLAIMED, crashed.claim(event, now));
    assertEquals(Claim.HELD, survivor.claim(event, now.plusSeconds(30)), "its holder may still be at work");
    assertEquals(Claim.HELD, survivor.claim(event, now.minusSeconds(5)),
        "an instance whose clock is a little behind (or that read it a moment earlier) still believes the claim");
    assertEquals(Claim.CLAIMED, survivor.claim(event, now.plus(TableEventClaims.LIVE_FOR).plusSeconds(1)));
    crashed.release(event);
    assertEquals(Claim.HELD, crashed.claim(event, now.plus(TableEventClaims.LIVE_FOR).plusSeconds(2)),
        "a late release does not free another instance's claim");
    survivor.done(event);
    assertEquals(Claim.DONE, crashed.claim(event, now.plus(TableEventClaims.DONE_FOR).minusSeconds(1)));
    assertEquals(Claim.CLAIMED, crashed.claim(event, now.plus(TableEventClaims.DONE_FOR).plusSeconds(1)),
        "Event Grid delivers nothing that late; a claim that says otherwise is not believed");

    String failing = uniqueName("event");
    assertEquals(Claim.CLAIMED, crashed.claim(failing, now));
    crashed.release(failing);
    assertEquals(Claim.CLAIMED, survivor.claim(failing, now), "the redelivery proceeds at once");
  }

  /**
   * Claims are deleted once their lifetime has passed (the reconcile timer's cleanup), and not before: a claim in
   * hand and a handled event's stay until they expire.
   */
  @Test
  void claimsAreDeletedWhenTheirLifetimeHasPassed() {
    MovableClock clock = new MovableClock();
    TableEventClaims events = new TableEventClaims(storage(), clock);
    SweepClaims cleanup = new TableSweepClaims(storage(), Duration.ofMinutes(10));
    String working = uniqueName("event");
    String handled = uniqueName("event");
    Instant now = clock.instant();
    assertEquals(Claim.CLAIMED, events.claim(working, now));
    assertEquals(Claim.CLAIMED, events.claim(handled, now));
    events.done(handled);

    deleteAllExpired(cleanup, now.plusSeconds(30));
    assertEquals(List.of(working, handled), stored(working, handled), "both live");
    deleteAllExpired(cleanup, now.plus(TableEventClaims.LIVE_FOR).plusSeconds(1));
    assertEquals(List.of(handled), stored(working, handled), "the abandoned claim is gone, the handled event's stays");
    deleteAllExpired(cleanup, now.plus(TableEventClaims.DONE_FOR).plusSeconds(1));
    assertEquals(List.of(), stored(working, handled));
  }

  /** Each call deletes a bounded number: as the timer's runs would, until none is left. */
  private static void deleteAllExpired(SweepClaims claims, Instant now) {
    for (int deleted = claims.deleteExpired(now); deleted > 0; deleted = claims.deleteExpired(now)) {
      assertTrue(deleted <= 500, "bounded per call: " + deleted);
    }
  }

  /** Which of the events still have a claim in the table. */
  private static List<String> stored(String... eventIds) {
    TableClient claims = new TableServiceClientBuilder().connectionString(LocalAzure.azurite().connectionString())
        .buildClient().getTableClient("DriftguardClaims");
    return Arrays.stream(eventIds).filter(id -> claims.listEntities(new ListEntitiesOptions()
        .setFilter("PartitionKey eq '" + id + "'"), null, null).stream().findAny().isPresent()).toList();
  }

  /** A client of its own, as another host would have. */
  private static TableStorage storage() {
    return TableStorage.connect(new StorageTarget(Optional.of(LocalAzure.azurite().connectionString()), Optional.empty()),
        null, null, RetrySettings.withBaseDelay(Duration.ofMillis(20)));
  }
}
