package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import io.driftguard.record.StorageTarget;
import io.driftguard.engine.EventClaims;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.QueuedSweeps.Handled;
import io.driftguard.fanout.QueuedSweeps.Verdict;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.record.TableEventClaims;
import io.driftguard.record.TableStorage;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.state.RetrySettings;
import io.driftguard.sweep.SweepListener;
import java.time.Clock;
import java.time.Duration;
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
 * expires, hostile messages are refused, and a message the host gave up on raises a failed row.
 */
class FanOutIT {

  private static final String FIRST = "00000000-0000-0000-0000-0000000fa001";
  private static final String SECOND = "00000000-0000-0000-0000-0000000fa002";
  private static final String THIRD = "00000000-0000-0000-0000-0000000fa003";
  private static final String UNLISTED = "00000000-0000-0000-0000-0000000fa0ff";
  private static final int APPS = 4;

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

  @Test
  void aCrashedHoldersClaimExpires() {
    List<SiteHandle> apps = driftedApps(SECOND, "func-crash");
    MovableClock clock = new MovableClock();
    // An instance that claimed the subscription's sweep and died: nothing releases its claim.
    EventClaims crashed = new TableEventClaims(TableStorage.connect(
        new StorageTarget(Optional.of(LocalAzure.azurite().connectionString()), Optional.empty()),
        null, null, RetrySettings.sdkDefault()), QueuedSweeps.claimLifetime(Duration.ofMinutes(8)));
    assertEquals(EventClaims.Claim.CLAIMED, crashed.claim(QueuedSweeps.claimKey(SECOND), clock.instant()));
    QueuedSweeps survivor = instance(clock);

    Handled whileClaimed = survivor.handle(message(SECOND), new SweepListener() {});
    assertEquals(Verdict.SKIPPED, whileClaimed.verdict(), whileClaimed.explanation());
    assertEquals(List.of(), inSubscription(SECOND, botRequests()), "a skipped sweep reads nothing");

    clock.advance(QueuedSweeps.claimLifetime(Duration.ofMinutes(8)).plusSeconds(1));
    Handled afterExpiry = survivor.handle(message(SECOND), new SweepListener() {});

    assertEquals(Verdict.SWEPT, afterExpiry.verdict(), afterExpiry.explanation());
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
