package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.recordingSettings;
import static io.driftguard.it.LocalAzure.sandbox;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.record.AuditEntry;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.FaultHandle;
import io.driftguard.sandbox.SiteHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alert rows through the Logs Ingestion API, the audit trail in Azurite, and flapping back-off. */
class AlertingIT {

  private static final Caller PIPELINE = Caller.servicePrincipal("5e1f0000-0000-4000-8000-00000000a99e",
      "de910000-0000-4000-8000-000000000004", "deploy-pipeline");
  private static final Caller CAROL = Caller.user("carol@contoso.com", "Carol Ops", "ca201000-0000-4000-8000-000000000003", "192.0.2.44");
  private static final Caller DAVE = Caller.user("dave@contoso.com", "Dave Dev", "da7e0000-0000-4000-8000-000000000005", "192.0.2.45");
  private static final Caller ERIN = Caller.user("erin@contoso.com", "Erin Eng", "e1110000-0000-4000-8000-000000000006", "192.0.2.46");
  private static final List<String> DECISIONS = new ArrayList<>();

  @AfterEach
  void clearFaults() {
    sandbox().logs().clearFaults();
  }

  @AfterAll
  static void noTokenOrSecretInAnyRowDecisionOrAuditEntry() {
    List<String> texts = new ArrayList<>(DECISIONS);
    sandbox().logs().rows().forEach(row -> texts.add(row.toString()));
    Driftguard.auditTrail(Settings.from(recordingSettings()), Clock.systemUTC()).history(Optional.empty(), Instant.EPOCH)
        .forEach(entry -> texts.add(entry.toString()));
    assertFalse(texts.isEmpty());
    String accountKey = LocalAzure.azurite().connectionString().replaceAll(".*AccountKey=([^;]+);.*", "$1");
    for (String text : texts) {
      assertFalse(text.contains("eyJ"), "a JWT in: " + text);
      assertFalse(text.contains(accountKey), "the storage key in: " + text);
      assertFalse(text.contains(System.getenv(Settings.IDENTITY_HEADER)), "the identity header in: " + text);
    }
  }

  private static Map<String, String> settings(String... pairs) {
    Map<String, String> settings = new HashMap<>(recordingSettings());
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  private static Decision handle(Remediator engine, String event) {
    Decision decision = deliver(engine, event);
    DECISIONS.add(DecisionJson.toJson(decision));
    return decision;
  }

  private static List<Map<String, Object>> rowsOf(Decision decision) {
    return sandbox().logs().rows().stream().filter(row -> decision.eventId().equals(row.get("EventId"))).toList();
  }

  private static long uploadsOf(Decision decision) {
    return sandbox().logs().requests().stream().filter(request -> request.body().contains(decision.eventId())).count();
  }

  @Test
  void notifyModeSendsOneRowPerFindingInOneUploadAndAudits() {
    SiteHandle app = functionApp(uniqueName("func-alert"), Map.of(), false,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false));
    Decision decision = handle(engine(settings()), aliceWrites(app.webConfigId(), "{\"properties\":{}}"));

    assertEquals(Outcome.ALERTED, decision.outcome());
    List<Map<String, Object>> rows = rowsOf(decision);
    assertEquals(List.of("https-only", "ftp-disabled", "min-tls"), rows.stream().map(row -> row.get("Rule")).toList());
    assertEquals(1, uploadsOf(decision));
    assertTrue(rows.stream().allMatch(row -> row.get("Severity").equals(2) && row.get("Actor").equals("alice@contoso.com")
        && row.get("TargetResourceId").equals(app.id().toLowerCase()) && ((String) row.get("Message")).contains("Exempt: tag the app")));

    List<AuditEntry> history = Driftguard.auditTrail(Settings.from(recordingSettings()), Clock.systemUTC())
        .history(Optional.of(app.site()), Instant.now().minus(Duration.ofMinutes(5)));
    assertEquals(3, history.size());
    assertTrue(history.stream().allMatch(entry -> entry.action().equals("alerted") && entry.eventId().equals(decision.eventId())));
  }

  /** Writes by three people while the app is being evaluated share the next evaluation; its rows name all three. */
  @Test
  void coalescedEventsNameEveryCallerTheirEvaluationAnswers() throws Exception {
    SiteHandle app = functionApp(uniqueName("func-shared"), Map.of(), true, compliantConfig());
    // Without a ledger of finding states every evaluation reports its findings: Alice's evaluation opens the finding,
    // and this test is about whom the next evaluation's row names.
    Map<String, String> withoutLedger = settings("DRIFTGUARD_EVENT_BUDGET", "25s");
    withoutLedger.remove(Settings.STORAGE_CONNECTION);
    Remediator engine = engine(withoutLedger);
    // Its first event fetches the token and builds the clients: not while the others must wait within their budget.
    SiteHandle warmUp = functionApp(uniqueName("func-warm"), Map.of(), true, compliantConfig());
    assertEquals(Outcome.COMPLIANT, deliver(engine, aliceWrites(warmUp.webConfigId(), "{\"properties\":{}}")).outcome());
    String first = aliceWrites(app.webConfigId(), "{\"properties\":{}}");
    List<String> writes = new ArrayList<>();
    for (Caller caller : List.of(CAROL, DAVE, ERIN)) {
      arm().write(caller, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
      writes.addAll(arm().drainEmittedEvents());
    }
    // Alice's evaluation is held at its config read until the three others are waiting behind it.
    FaultHandle held = arm().inject(Fault.on("GET", app.site() + "/config/web").delay(Duration.ofSeconds(3)).times(1));
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture<Decision> alice = CompletableFuture.supplyAsync(() -> deliver(engine, first), threads);
      while (held.hits() == 0 && !alice.isDone()) {
        Thread.onSpinWait();
      }
      List<CompletableFuture<Decision>> others = writes.stream()
          .map(event -> CompletableFuture.supplyAsync(() -> deliver(engine, event), threads)).toList();
      assertTrue(alice.get().armReads() > 0, "Alice's event ran its own evaluation: " + alice.get());
      List<Decision> decisions = others.stream().map(CompletableFuture::join).toList();

      List<Decision> evaluated = decisions.stream().filter(decision -> decision.armReads() > 0).toList();
      assertEquals(1, evaluated.size(), "one evaluation answers the three: " + decisions);
      Decision leader = evaluated.get(0);
      for (Decision follower : decisions) {
        if (follower != leader) {
          assertTrue(follower.reason().startsWith("answered by the evaluation for event " + leader.eventId()
              + " after a write by " + leader.changedBy()), follower.reason());
        }
      }
      List<Map<String, Object>> rows = rowsOf(leader);
      assertEquals(List.of("min-tls"), rows.stream().map(row -> row.get("Rule")).toList());
      String message = (String) rows.get(0).get("Message");
      for (String name : List.of("carol@contoso.com", "dave@contoso.com", "erin@contoso.com")) {
        assertTrue(message.contains(name), name + " in: " + message);
      }
      assertTrue(message.startsWith(leader.changedBy() + " wrote config/web of " + app.site()), message);
      assertTrue(message.contains("; also written by "), message);
      assertFalse(message.contains("alice"), "Alice's write was answered by the evaluation before: " + message);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aFailedUploadIsRetryableAndTheRedeliveryReportsEachFindingOnce() {
    SiteHandle app = functionApp(uniqueName("func-outbox"), Map.of(), true, compliantConfig());
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.1\"}}");
    Remediator engine = engine(settings("DRIFTGUARD_MODE", "autofix"));
    sandbox().logs().inject(Fault.on("POST", ".").status(503).times(Fault.ALWAYS));

    Decision first = handle(engine, event);

    assertTrue(first.retryable(), first.reason());
    assertEquals(Outcome.FIXED, first.outcome(), "the fix itself landed: " + first.reason());
    assertEquals("Disabled", properties(arm().webConfig(app.id())).get("ftpsState"));
    assertEquals(List.of(), rowsOf(first));

    sandbox().logs().clearFaults();
    Decision redelivered = handle(engine, event);

    assertFalse(redelivered.retryable());
    assertEquals(Outcome.FIXED, redelivered.outcome(), redelivered.reason());
    assertEquals(0, redelivered.armWrites(), "nothing left to fix");
    List<Map<String, Object>> rows = rowsOf(redelivered);
    assertEquals(List.of("ftp-disabled", "min-tls"), rows.stream().map(row -> row.get("Rule")).sorted().toList());
    assertTrue(rows.stream().allMatch(row -> row.get("Action").equals("fixed") && row.get("Severity").equals(3)));

    assertEquals(Outcome.SKIPPED, handle(engine, event).outcome(), "a third delivery is a duplicate");
    assertEquals(2, rowsOf(redelivered).size());
  }

  @Test
  void anAlertUploadThatFailsIsAFailedRetryableDecisionThatKeepsItsFindings() {
    SiteHandle app = functionApp(uniqueName("func-unheard"), Map.of(), false, compliantConfig());
    sandbox().logs().inject(Fault.on("POST", ".").status(500).times(Fault.ALWAYS));

    Decision decision = handle(engine(settings()), aliceWrites(app.webConfigId(), "{\"properties\":{}}"));

    assertEquals(Outcome.FAILED, decision.outcome(), "nobody was told: " + decision.reason());
    assertTrue(decision.retryable());
    assertEquals(List.of("https-only"), decision.findings().stream().map(finding -> finding.rule()).toList());
    assertTrue(decision.reason().contains("alert upload failed"), decision.reason());
    assertTrue(decision.reason().contains("1 of 1 alert rows not accepted by Logs Ingestion"), decision.reason());
    assertTrue(decision.reason().contains("Event Grid delivers it again"), decision.reason());
    assertEquals(List.of(), rowsOf(decision));
  }

  @Test
  void aControlKeptRevertedBacksOffToNotifyOnceThenRecoversAfterTheCoolDown() {
    SiteHandle app = functionApp(uniqueName("func-flap"), Map.of(), true, compliantConfig());
    MovableClock clock = new MovableClock();
    Remediator engine = engine(settings("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_FLAP_MAX_FIXES", "3",
        "DRIFTGUARD_FLAP_WINDOW", "1h", "DRIFTGUARD_FLAP_COOLDOWN", "24h"), clock);
    String revert = "{\"properties\":{\"minTlsVersion\":\"1.0\"}}";

    for (int fix = 1; fix <= 3; fix++) {
      Decision fixed = handle(engine, pipelineWrites(app, revert));
      assertEquals(Outcome.FIXED, fixed.outcome(), "fix " + fix + ": " + fixed.reason());
      clock.advance(Duration.ofMinutes(5));
    }
    Decision backOff = handle(engine, pipelineWrites(app, revert));

    assertEquals(Outcome.ALERTED, backOff.outcome());
    assertEquals(Action.BACKED_OFF, backOff.findings().get(0).action());
    assertEquals("1.0", properties(arm().webConfig(app.id())).get("minTlsVersion"), "not fixed a fourth time");
    Map<String, Object> alert = rowsOf(backOff).get(0);
    assertEquals(1, alert.get("Severity"));
    assertEquals("backed-off", alert.get("Action"));
    assertTrue(((String) alert.get("Message")).contains("most often by 5e1f0000-0000-4000-8000-00000000a99e"), (String) alert.get("Message"));

    clock.advance(Duration.ofHours(1));
    Decision paused = handle(engine, pipelineWrites(app, "{\"properties\":{\"http20Enabled\":true}}"));
    assertEquals(Action.ALERTED, paused.findings().get(0).action());
    assertTrue(paused.findings().get(0).modeSource().startsWith("flapping back-off until"));
    assertEquals(2, rowsOf(paused).get(0).get("Severity"), "only the first back-off alert is high severity");

    clock.advance(Duration.ofHours(24));
    Decision recovered = handle(engine, pipelineWrites(app, "{\"properties\":{\"http20Enabled\":false}}"));
    assertEquals(Outcome.FIXED, recovered.outcome(), recovered.reason());
    assertEquals("1.2", properties(arm().webConfig(app.id())).get("minTlsVersion"));
  }

  private static String pipelineWrites(SiteHandle app, String body) {
    arm().drainEmittedEvents();
    arm().write(PIPELINE, "PATCH", app.webConfigId(), body);
    List<String> events = arm().drainEmittedEvents();
    return events.get(events.size() - 1);
  }
}
