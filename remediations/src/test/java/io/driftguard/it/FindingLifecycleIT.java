package io.driftguard.it;

import static io.driftguard.it.LocalAzure.ALICE;
import static io.driftguard.it.LocalAzure.aliceTags;
import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.recordingSettings;
import static io.driftguard.it.LocalAzure.sandbox;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Arrival;
import io.driftguard.engine.Decision;
import io.driftguard.engine.FindingState;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.resource.ResourceIds;
import io.driftguard.sandbox.SiteHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A finding's life as on-call lives it, with Azurite as the ledger and the product's own stateful alert rules over the
 * rows Logs Ingestion received, evaluated after every step: it pages once, stands quietly through sweeps and unrelated
 * writes, reminds after the interval, and its alert resolves, paging nobody, when a person fixes it.
 */
class FindingLifecycleIT {

  private static final Duration QUERY_RANGE = Duration.ofDays(2);
  private static final String TLS_1_0 = "{\"properties\":{\"minTlsVersion\":\"1.0\"}}";

  private static Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>(recordingSettings());
    settings.put("DRIFTGUARD_REMINDER_INTERVAL", "1d");
    return settings;
  }

  /** An app whose only drift is the minimum TLS version, opened by Alice's write. */
  private static SiteHandle driftedApp(String prefix) {
    Map<String, Object> config = new HashMap<>(compliantConfig());
    config.put("minTlsVersion", "1.0");
    return functionApp(uniqueName(prefix), Map.of(), true, config);
  }

  /** Every row about the app, whatever the casing of its id. */
  private static List<Map<String, Object>> rowsAbout(SiteHandle app) {
    return sandbox().logs().rows().stream()
        .filter(row -> app.id().equalsIgnoreCase(String.valueOf(row.get("TargetResourceId")))).toList();
  }

  /** The findings rule (alerting.bicep: the last 2 days, split per control and notice). */
  private static AlertRule findingsRule() {
    return AlertRule.stateful("driftguard-findings.kql", QUERY_RANGE, "Rule", "Notice");
  }

  /** The steps of the rows about the app, in order. */
  private static List<Object> states(SiteHandle app) {
    return rowsAbout(app).stream().map(row -> row.get("State")).toList();
  }

  /** What each notification says: fired or resolved, and the State of the row it is about. */
  private static List<String> told(List<AlertRule.Notification> notifications) {
    return notifications.stream().map(n -> (n.fired() ? "fired " : "resolved ") + n.row().get("State")).toList();
  }

  private static Decision sweep(Remediator engine, SiteHandle app) throws Exception {
    return engine.handle(Arrival.listed(ResourceIds.parse(app.id()).site(),
        new ObjectMapper().valueToTree(arm().site(app.id())), "run-" + app.site() + "-" + System.nanoTime(), false));
  }

  @Test
  void aFindingPagesOnceAndASweepOrAnUnrelatedWriteWhileItStandsPageNobody() throws Exception {
    SiteHandle app = driftedApp("func-once");
    Remediator engine = engine(settings());
    AlertRule findings = findingsRule();

    Decision opened = deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(Outcome.ALERTED, opened.outcome(), opened.reason());
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));

    Decision unrelated = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));
    assertEquals(List.of(), findings.evaluate(rowsAbout(app), Instant.now()), "an unrelated write pages nobody");
    Decision swept = sweep(engine, app);
    assertEquals(List.of(), findings.evaluate(rowsAbout(app), Instant.now()), "a sweep pages nobody");

    assertEquals(Outcome.ALERTED, unrelated.outcome(), "still drifted: " + unrelated.reason());
    assertEquals(Outcome.ALERTED, swept.outcome(), "still drifted: " + swept.reason());
    assertEquals(List.of("opened", "standing", "standing"), states(app),
        "each evaluation restates the standing finding, which keeps its alert open");
  }

  @Test
  void aStandingFindingIsRemindedAfterTheIntervalOnly() throws Exception {
    SiteHandle app = driftedApp("func-remind");
    MovableClock clock = new MovableClock();
    Remediator engine = engine(settings(), clock);
    AlertRule findings = findingsRule();
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    List<AlertRule.Notification> opened = findings.evaluate(rowsAbout(app), clock.instant());
    assertEquals(List.of("fired opened"), told(opened));

    clock.advance(Duration.ofHours(23));
    sweep(engine, app);
    assertEquals(List.of(), findings.evaluate(rowsAbout(app), clock.instant()), "within the interval: quiet");

    clock.advance(Duration.ofHours(1));
    sweep(engine, app);
    List<AlertRule.Notification> reminded = findings.evaluate(rowsAbout(app), clock.instant());
    assertEquals(List.of("resolved opened", "fired reminder"), told(reminded),
        "the reminder is an alert of its own, which supersedes the first");
    Map<String, Object> reminder = reminded.get(1).row();
    assertEquals(opened.get(0).row().get("OpenedAt"), reminder.get("OpenedAt"), "its age counts from when it opened");
    assertTrue(((String) reminder.get("Message")).contains("Reminder: open since"), (String) reminder.get("Message"));

    clock.advance(Duration.ofHours(3));
    sweep(engine, app);
    assertEquals(List.of(), findings.evaluate(rowsAbout(app), clock.instant()), "the next reminder is a day after this one");
  }

  /**
   * Reminders off: a finding that stands for a week, swept daily, keeps its one alert open, because each evaluation
   * restates it within the rule's 2-day range; were it not restated, the alert would resolve once its row aged out.
   */
  @Test
  void aFindingThatStandsForAWeekKeepsItsOneAlertOpen() throws Exception {
    SiteHandle app = driftedApp("func-week");
    MovableClock clock = new MovableClock();
    Map<String, String> settings = settings();
    settings.put("DRIFTGUARD_REMINDER_INTERVAL", "off");
    Remediator engine = engine(settings, clock);
    AlertRule findings = findingsRule();
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), clock.instant())));

    for (int day = 1; day <= 7; day++) {
      clock.advance(Duration.ofDays(1));
      sweep(engine, app);
      assertEquals(List.of(), findings.evaluate(rowsAbout(app), clock.instant()), "day " + day + ": quiet, still open");
    }
  }

  @Test
  void aFixByAPersonResolvesTheFindingAndPagesNobody() {
    SiteHandle app = driftedApp("func-resolve");
    Remediator engine = engine(settings());
    AlertRule findings = findingsRule();
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));

    Decision fixed = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.2\"}}"));

    assertEquals(Outcome.COMPLIANT, fixed.outcome(), fixed.reason());
    assertEquals(List.of("resolved opened"), told(findings.evaluate(rowsAbout(app), Instant.now())),
        "the finding's alert resolves: on-call is told it closed, and nothing fires");
    Map<String, Object> resolved = rowsAbout(app).get(rowsAbout(app).size() - 1);
    assertEquals("resolved", resolved.get("State"));
    assertEquals("min-tls", resolved.get("Rule"));
    assertEquals(3, resolved.get("Severity"));
    assertTrue(((String) resolved.get("Message")).contains("compliant again, by alice@contoso.com"),
        (String) resolved.get("Message"));
    List<FindingState> open = Driftguard.findingStates(Settings.from(recordingSettings())).findings(false);
    assertTrue(open.stream().noneMatch(state -> state.resource().equals(app.id().toLowerCase())), "not open: " + open);
    assertEquals(1, rowsAbout(app).stream().filter(row -> "resolved".equals(row.get("State"))).count());

    deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));
    assertEquals(2, rowsAbout(app).size(), "resolved once: a compliant write after it says nothing");
  }

  /** An administrator turns the control off: its finding is no longer tracked, so it closes rather than stand forever. */
  @Test
  void aFindingWhoseControlIsTurnedOffCloses() throws Exception {
    SiteHandle app = driftedApp("func-turned-off");
    AlertRule findings = findingsRule();
    deliver(engine(settings()), aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));
    Map<String, String> off = settings();
    off.put("DRIFTGUARD_RULE_MIN_TLS", "off");

    sweep(engine(off), app);

    assertEquals(List.of("resolved opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));
    Map<String, Object> last = rowsAbout(app).get(rowsAbout(app).size() - 1);
    assertEquals("resolved", last.get("State"));
    assertTrue(((String) last.get("Message")).contains(FindingState.CONTROL_OFF), (String) last.get("Message"));
    assertTrue(Driftguard.findingStates(Settings.from(recordingSettings())).findings(false).stream()
        .noneMatch(state -> state.resource().equals(app.id().toLowerCase())), "no longer listed as open");
  }

  @Test
  void anAppDeletedResolvesItsFindingsAndPagesNobody() {
    SiteHandle app = driftedApp("func-deleted");
    Remediator engine = engine(settings());
    AlertRule findings = findingsRule();
    String write = aliceWrites(app.webConfigId(), TLS_1_0);
    deliver(engine, write);
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));
    String later = aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}");
    arm().deleteSite(app.id());

    Decision gone = deliver(engine, later);

    assertEquals(Outcome.SKIPPED, gone.outcome(), gone.reason());
    Map<String, Object> resolved = rowsAbout(app).get(rowsAbout(app).size() - 1);
    assertEquals("resolved", resolved.get("State"));
    assertTrue(((String) resolved.get("Message")).contains("the app was deleted"), (String) resolved.get("Message"));
    assertEquals(List.of("resolved opened"), told(findings.evaluate(rowsAbout(app), Instant.now())), "the deletion closes it");
  }

  /** Within DRIFTGUARD_EXEMPTION_HORIZON (90 days), so that the exemption silences the control. */
  private static final String IN_A_MONTH = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();

  @Test
  void anExemptionIsToldAtLowSeverityOnceAndAgainWhenItIsRemoved() {
    SiteHandle app = driftedApp("func-exempted");
    Remediator engine = engine(settings());
    AlertRule findings = findingsRule();
    AlertRule exemptions = AlertRule.stateful("driftguard-exemptions.kql", QUERY_RANGE, "Rule", "Notice");
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(List.of("fired opened"), told(findings.evaluate(rowsAbout(app), Instant.now())));

    Decision exempted = deliver(engine, aliceTags(app, "Merge",
        "{\"driftguard-exempt\":\"min-tls\",\"driftguard-exempt-reason\":\"old clients\",\"driftguard-exempt-until\":\"" + IN_A_MONTH + "\"}"));
    List<AlertRule.Notification> toldOfExemption = exemptions.evaluate(rowsAbout(app), Instant.now());
    assertEquals(List.of("resolved opened"), told(findings.evaluate(rowsAbout(app), Instant.now())), "exempted: no longer open");
    Decision standing = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));

    assertEquals(Outcome.EXEMPTED, exempted.outcome(), exempted.reason());
    assertEquals(Outcome.EXEMPTED, standing.outcome(), standing.reason());
    assertEquals(List.of("fired exempted"), told(toldOfExemption));
    assertEquals(3, toldOfExemption.get(0).row().get("Severity"));
    assertEquals(List.of(), exemptions.evaluate(rowsAbout(app), Instant.now()), "once: " + rowsAbout(app));
    assertEquals(List.of(), findings.evaluate(rowsAbout(app), Instant.now()), "an exemption pages nobody");

    deliver(engine, aliceTags(app, "Delete", "{\"driftguard-exempt\":\"min-tls\"}"));

    assertEquals(List.of("resolved exempted"), told(exemptions.evaluate(rowsAbout(app), Instant.now())), "told when it ends");
    assertEquals(List.of("fired exemption-ended"), told(findings.evaluate(rowsAbout(app), Instant.now())),
        "the drift stands without its exemption: on-call hears of it again");
  }

  /** Drift no event announced names who last wrote its document, from the Activity Log in Log Analytics. */
  @Test
  void aSweptFindingNamesTheLastWriterFromTheActivityLogOrSaysWhyNot() throws Exception {
    Map<String, String> settings = settings();
    settings.put("DRIFTGUARD_ACTIVITY_LOG_WORKSPACE", sandbox().logAnalytics().workspaceId());
    settings.put("DRIFTGUARD_LOG_ANALYTICS_ENDPOINT", sandbox().logAnalyticsEndpoint().toString());
    Remediator engine = engine(settings);
    SiteHandle written = driftedApp("func-swept-writer");
    sandbox().logAnalytics().export(ALICE, written.webConfigId(), Instant.parse("2026-12-01T08:00:00Z"), "corr-1");
    SiteHandle silent = driftedApp("func-swept-silent");

    sweep(engine, written);
    sweep(engine, silent);

    String named = (String) rowsAbout(written).get(0).get("Message");
    assertTrue(named.contains("drifted at ") && named.contains("min-tls minTlsVersion is 1.0 (wants 1.2 or higher). Last written by"
        + " alice@contoso.com from 203.0.113.7 at 2026-12-01T08:00:00Z (Activity Log, correlation id corr-1)."), named);
    String unknown = (String) rowsAbout(silent).get(0).get("Message");
    assertTrue(unknown.contains("Who wrote it: unknown (the Activity Log in workspace "
        + sandbox().logAnalytics().workspaceId() + " has no write of config/web in the last 90 days"), unknown);
    assertTrue(sandbox().logAnalytics().requests().stream().allMatch(request -> request.status() == 200
        && sandbox().botObjectId().equals(request.callerObjectId())), "read with driftguard's own identity");

    Decision event = deliver(engine, aliceWrites(silent.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.1\"}}"));
    assertEquals(Outcome.ALERTED, event.outcome());
    assertEquals(2, sandbox().logAnalytics().requests().size(), "an event names its writer itself: no query");
  }

  @Test
  void oneAppIsOneAlertTargetWhateverTheCasingOfItsId() throws Exception {
    SiteHandle app = driftedApp("func-casing");
    Remediator engine = engine(settings());
    String shouted = app.webConfigId().replace("/resourceGroups/rg-it/", "/RESOURCEGROUPS/RG-IT/")
        .replace("/sites/" + app.site(), "/sites/" + app.site().toUpperCase());
    arm().drainEmittedEvents();
    arm().write(ALICE, "PATCH", shouted, TLS_1_0);
    String shoutedEvent = arm().drainEmittedEvents().get(0);
    assertTrue(shoutedEvent.contains(app.site().toUpperCase()), "the event carries the caller's casing");

    AlertRule findings = findingsRule();
    List<AlertRule.Notification> notifications = new ArrayList<>();
    deliver(engine, shoutedEvent);
    notifications.addAll(findings.evaluate(rowsAbout(app), Instant.now()));
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    notifications.addAll(findings.evaluate(rowsAbout(app), Instant.now()));
    sweep(engine, app);
    notifications.addAll(findings.evaluate(rowsAbout(app), Instant.now()));

    assertEquals(List.of("fired opened"), told(notifications), "one finding, however its app was spelled: " + rowsAbout(app));
    assertEquals(List.of(app.id().toLowerCase()), rowsAbout(app).stream().map(row -> row.get("TargetResourceId"))
        .distinct().toList());
  }
}
