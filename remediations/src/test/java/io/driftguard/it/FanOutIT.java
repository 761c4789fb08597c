package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.record.StorageTarget;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.QueuedSweeps.Handled;
import io.driftguard.fanout.QueuedSweeps.Verdict;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.fanout.SweepClaims;
import io.driftguard.record.TableSweepClaims;
import io.driftguard.record.TableStorage;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.state.RetrySettings;
import io.driftguard.sweep.SweepListener;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Reconcile fanned out over the sweep queue in Azurite: the timer queues one message per subscription, two instances
 * (two engines wired from the same settings) given the same subscription sweep it once, a crashed holder's claim
 * expires and a forged one is taken over (both with a warning), no event id stops a sweep, hostile messages are
 * refused, and a message the host gave up on, or a subscription left unswept for two runs, raises a failed row.
 */
class FanOutIT {

  private static final String FIRST = "00000000-0000-0000-0000-0000000fa001";
  private static final String SECOND = "00000000-0000-0000-0000-0000000fa002";
  private static final String THIRD = "00000000-0000-0000-0000-0000000fa003";
  private static final String UNLISTED = "00000000-0000-0000-0000-0000000fa0ff";
  private static final int APPS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_MODE", "autofix");
    settings.put("DRIFTGUARD_SUBSCRIPTIONS", String.join(",", FIRST, SECOND, THIRD));
    settings.put("DRIFTGUARD_SWEEP_SOURCE", "arm"); // the requests counted below are an ARM-listed sweep's
    return settings;
  }

  private static QueuedSweeps instance(Clock clock) {
    return LocalAzure.parts(settings(), clock).queuedSweeps().orElseThrow();
  }

  private static String message(String subscription) {
    return "{\"subscription\":\"" + subscription + "\",\"run\":\"20261129T050000-a1b2\"}";
  }

  private static List<SiteHandle> driftedApps(String subscription, String prefix) {
    List<SiteHandle> apps = new ArrayList<>();
    for (int i = 0; i < APPS; i++) {
      apps.add(arm().seedSite(subscription, "rg-fan", prefix + "-" + i, "functionapp,linux", Map.of(), true,
          Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false)));
    }
    return apps;
  }

  private static List<RecordedRequest> inSubscription(String subscription, List<RecordedRequest> requests) {
    return requests.stream().filter(request -> request.path().toLowerCase().contains(subscription)).toList();
  }

  private static long count(List<RecordedRequest> requests, String method, String pathEnd) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd)).count();
  }

  private static void assertFixed(List<SiteHandle> apps) {
    for (SiteHandle app : apps) {
      assertEquals("Disabled", properties(arm().webConfig(app.id())).get("ftpsState"), app.site());
    }
  }

  @Test
  void theTimerQueuesOneMessagePerSubscription() {
    QueueClient queue = new QueueClientBuilder().connectionString(LocalAzure.azurite().connectionString())
        .queueName(SweepQueue.NAME).messageEncoding(QueueMessageEncoding.BASE64).buildClient();
    queue.createIfNotExists();
    queue.clearMessages();

    instance(Clock.systemUTC()).enqueueAll("20261129T050000-c0de");

    List<String> bodies = queue.receiveMessages(32).stream().map(item -> item.getBody().toString()).sorted().toList();
    assertEquals(List.of(FIRST, SECOND, THIRD).stream()
        .map(subscription -> "{\"subscription\":\"" + subscription + "\",\"run\":\"20261129T050000-c0de\"}").toList(),
        bodies);
  }

  @Test
  void twoInstancesGivenOneSubscriptionSweepItOnce() {
    List<SiteHandle> apps = driftedApps(FIRST, "func-twice");
    QueuedSweeps first = instance(Clock.systemUTC());
    QueuedSweeps second = instance(Clock.systemUTC());
    AtomicReference<Handled> secondHandled = new AtomicReference<>();
    int before = botRequests().size();

    // The second instance receives the subscription's message while the first is in the middle of sweeping it.
    Handled firstHandled = first.handle(message(FIRST), new SweepListener() {
      @Override
      public void listed(String subscription, int sites) {
        secondHandled.compareAndSet(null, second.handle(message(FIRST), new SweepListener() {}));
      }
    });

    assertEquals(Verdict.SWEPT, firstHandled.verdict(), firstHandled.explanation());
    assertEquals(Verdict.SKIPPED, secondHandled.get().verdict(), secondHandled.get().explanation());
    assertTrue(secondHandled.get().explanation().contains("another instance is sweeping it now"));
    assertEquals(APPS, firstHandled.summary().orElseThrow().decided());
    assertFixed(apps);
    List<RecordedRequest> made = inSubscription(FIRST, botRequests().subList(before, botRequests().size()));
    assertEquals(1, count(made, "GET", "/providers/Microsoft.Web/sites"), "one listing of the subscription");
    for (SiteHandle app : apps) {
      List<RecordedRequest> ofApp = made.stream().filter(r -> r.path().contains("/sites/" + app.site() + "/")).toList();
      assertEquals(1, count(ofApp, "GET", "/slots"), app.site() + ": " + ofApp);
      assertEquals(1, count(ofApp, "PATCH", "/config/web"), app.site() + ": " + ofApp);
    }

    Handled later = second.handle(message(FIRST), new SweepListener() {});
    assertEquals(Verdict.SWEPT, later.verdict(), "the claim is released when the sweep ends: " + later.explanation());
  }

  private static TableStorage storage() {
    return TableStorage.connect(new StorageTarget(Optional.of(LocalAzure.azurite().connectionString()), Optional.empty()),
        null, null, RetrySettings.sdkDefault());
  }

  @Test
  void aCrashedHoldersClaimExpiresAndIsTakenOverWithAWarning() {
    List<SiteHandle> apps = driftedApps(SECOND, "func-crash");
    MovableClock clock = new MovableClock();
    // An instance that claimed the subscription's sweep and died: nothing releases its claim.
    SweepClaims crashed = new TableSweepClaims(storage(), QueuedSweeps.claimLifetime(Duration.ofMinutes(8)));
    assertTrue(crashed.claim(SECOND, clock.instant()).claimed());
    QueuedSweeps survivor = instance(clock);

    Handled whileClaimed = survivor.handle(message(SECOND), new SweepListener() {});
    assertEquals(Verdict.SKIPPED, whileClaimed.verdict(), whileClaimed.explanation());
    assertEquals(List.of(), inSubscription(SECOND, botRequests()), "a skipped sweep reads nothing");

    clock.advance(QueuedSweeps.claimLifetime(Duration.ofMinutes(8)).plusSeconds(1));
    Handled afterExpiry = survivor.handle(message(SECOND), new SweepListener() {});

    assertEquals(Verdict.SWEPT, afterExpiry.verdict(), afterExpiry.explanation());
    assertTrue(afterExpiry.warning().orElseThrow().contains("held past its lifetime"), afterExpiry.warning().toString());
    assertFixed(apps);
  }

  /**
   * A Table writer (or an older version) leaves a sweep claim marked done, or held for ten years: neither is a claim a
   * sweep makes, so each is taken over at once, with a warning that says why.
   */
  @Test
  void aSweepClaimMarkedDoneOrHeldLongerThanASweepLivesIsTakenOverWithAWarning() {
    QueuedSweeps sweeps = instance(Clock.systemUTC());
    TableServiceClient tables = new TableServiceClientBuilder()
        .connectionString(LocalAzure.azurite().connectionString()).buildClient();
    tables.createTableIfNotExists("DriftguardClaims");
    TableClient claims = tables.getTableClient("DriftguardClaims");
    Map<String, TableEntity> forged = Map.of(
        "it was marked done, which this kind of claim never is",
        new TableEntity(FIRST, "sweep").addProperty("State", "done"),
        "longer than such a claim lives",
        new TableEntity(FIRST, "sweep").addProperty("State", "working").addProperty("Holder", "forger")
            .addProperty("ExpiresAt", OffsetDateTime.now(ZoneOffset.UTC).plusYears(10)));

    for (Map.Entry<String, TableEntity> claim : forged.entrySet()) {
      claims.upsertEntity(claim.getValue());
      Handled handled = sweeps.handle(message(FIRST), new SweepListener() {});

      assertEquals(Verdict.SWEPT, handled.verdict(), handled.explanation());
      assertTrue(handled.warning().orElseThrow().contains(claim.getKey()), handled.warning().toString());
    }
  }

  /**
   * Whatever keeps a subscription's sweeps from running, the timer run after two runs whose sweeps did not run raises
   * a severity-1 row for it; a sweep that runs starts the count again.
   */
  @Test
  void aSubscriptionLeftUnsweptForTwoSchedulesRaisesASeverityOneRow() {
    QueuedSweeps sweeps = instance(Clock.systemUTC());
    assertEquals(Verdict.SWEPT, sweeps.handle(message(FIRST), new SweepListener() {}).verdict());

    // Three timer runs whose messages nobody sweeps.
    List<QueuedSweeps.Queued> runs = new ArrayList<>();
    for (String run : List.of("unswept-run-1", "unswept-run-2", "unswept-run-3")) {
      runs.add(sweeps.enqueueAll(run));
    }

    assertFalse(runs.get(0).unswept().contains(FIRST), runs.toString());
    assertFalse(runs.get(1).unswept().contains(FIRST), "one schedule unswept is not yet two: " + runs);
    assertTrue(runs.get(2).unswept().contains(FIRST), runs.toString());
    List<Map<String, Object>> rows = sandbox().logs().rows().stream()
        .filter(row -> ("sweep-abandoned-unswept-" + FIRST + "-unswept-run-3").equals(row.get("EventId"))).toList();
    assertEquals(1, rows.size(), rows.toString());
    assertEquals(1, ((Number) rows.get(0).get("Severity")).intValue());
    assertEquals("/subscriptions/" + FIRST, rows.get(0).get("TargetResourceId"));
    assertTrue(rows.get(0).get("Message").toString().contains("the last 2 reconcile runs did not run"), rows.toString());

    assertEquals(Verdict.SWEPT, sweeps.handle(message(FIRST), new SweepListener() {}).verdict());
    assertFalse(sweeps.enqueueAll("unswept-run-4").unswept().contains(FIRST), "a sweep ran since");
  }

  /**
   * Event claims and sweep claims are apart: an event whose id reads like a sweep's claim is handled as any event, and
   * the subscription's queued sweeps still run.
   */
  @Test
  void anEventWhoseIdNamesASweepClaimDoesNotStopThatSubscriptionsSweeps() throws Exception {
    List<SiteHandle> apps = driftedApps(THIRD, "func-forged");
    QueuedSweeps sweeps = instance(Clock.systemUTC());
    ObjectNode event = (ObjectNode) JSON.readTree(LocalAzure.aliceWrites(apps.get(0).webConfigId(),
        "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    event.put("id", "sweep-" + THIRD);

    Decision decision = LocalAzure.deliver(LocalAzure.parts(settings(), Clock.systemUTC()).engine(), event.toString());
    Handled handled = sweeps.handle(message(THIRD), new SweepListener() {});

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(Verdict.SWEPT, handled.verdict(), handled.explanation());
    assertFixed(apps);
  }

  @Test
  void hostileMessagesAreRefusedWithAReason() {
    QueuedSweeps sweeps = instance(Clock.systemUTC());
    Map<String, String> refusals = Map.of(
        "not json at all", "not JSON",
        "[\"" + FIRST + "\"]", "not a JSON object",
        "{\"subscription\":\"" + FIRST + "\",\"run\":\"r1\",\"armEndpoint\":\"https://evil.example\"}",
        "unknown field 'armEndpoint'",
        "{\"subscription\":\"../../providers\",\"run\":\"r1\"}", "is not a GUID",
        "{\"subscription\":42,\"run\":\"r1\"}", "field 'subscription' must be a string",
        message(UNLISTED), "is not in DRIFTGUARD_SUBSCRIPTIONS",
        "{\"subscription\":\"" + FIRST + "\",\"run\":\"r1\\u001b[2J\"}", "is not a run id",
        "{\"subscription\":\"" + FIRST + "\",\"run\":\"" + "r".repeat(600) + "\"}", "at most 512 characters");
    int before = botRequests().size();

    refusals.forEach((body, reason) -> {
      Handled handled = sweeps.handle(body, new SweepListener() {});
      assertEquals(Verdict.REFUSED, handled.verdict(), body);
      assertTrue(handled.explanation().contains(reason), handled.explanation());
      assertTrue(handled.explanation().chars().noneMatch(c -> c < 0x20), "printable: " + handled.explanation());
    });
    assertEquals(before, botRequests().size(), "a refused message costs no ARM request");
  }

  @Test
  void aMessageTheHostGaveUpOnRaisesAFailedRow() {
    QueuedSweeps sweeps = instance(Clock.systemUTC());

    String logged = sweeps.abandoned(message(THIRD), "poison-msg-1");

    assertTrue(logged.contains("subscription " + THIRD), logged);
    List<Map<String, Object>> rows = sandbox().logs().rows().stream()
        .filter(row -> "sweep-abandoned-poison-msg-1".equals(row.get("EventId"))).toList();
    assertEquals(1, rows.size(), rows.toString());
    Map<String, Object> row = rows.get(0);
    assertEquals("failed", row.get("Action"));
    assertEquals(1, ((Number) row.get("Severity")).intValue());
    assertEquals("/subscriptions/" + THIRD, row.get("TargetResourceId"));
    assertTrue(row.get("Message").toString().contains(SweepQueue.POISON_NAME), row.toString());
  }
}
