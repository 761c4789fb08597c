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
import io.driftguard.sandbox.SiteHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alert rows through the Logs Ingestion API, the audit trail in Azurite, and flapping back-off. */
class AlertingIT {

  private static final Caller PIPELINE = Caller.servicePrincipal("5e1f0000-0000-4000-8000-00000000a99e",
      "de910000-0000-4000-8000-000000000004", "deploy-pipeline");
  private static final List<String> DECISIONS = new ArrayList<>();

  @AfterEach
  void clearFaults() {
    sandbox().logs().clearFaults();
  }

  @AfterAll
  static void noTokenOrSecretInAnyRowDecisionOrAuditEntry() {
    List<String> texts = new ArrayList<>(DECISIONS);
    sandbox().logs().rows().forEach(row -> texts.add(row.toString()));
    Driftguard.auditTrail(Settings.from(recordingSettings())).history(Optional.empty(), Instant.EPOCH)
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
        && row.get("TargetResourceId").equals(app.id()) && ((String) row.get("Message")).contains("Exempt: tag the app")));

    List<AuditEntry> history = Driftguard.auditTrail(Settings.from(recordingSettings()))
        .history(Optional.of(app.site()), Instant.now().minus(Duration.ofMinutes(5)));
    assertEquals(3, history.size());
    assertTrue(history.stream().allMatch(entry -> entry.action().equals("alerted") && entry.eventId().equals(decision.eventId())));
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
