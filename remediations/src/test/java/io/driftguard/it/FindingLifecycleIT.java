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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A finding's life as on-call lives it, with Azurite as the ledger and the product's own alert queries over the rows
 * Logs Ingestion received: it pages once, stands quietly through sweeps and unrelated writes, reminds after the
 * interval, and closes without paging when a person fixes it.
 */
class FindingLifecycleIT {

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

  /** The rows about the app that the findings alert rule notifies on-call of. */
  private static List<Map<String, Object>> pages(SiteHandle app) {
    return AlertQueries.selected("driftguard-findings.kql", rowsAbout(app));
  }

  private static Decision sweep(Remediator engine, SiteHandle app) throws Exception {
    return engine.handle(Arrival.listed(ResourceIds.parse(app.id()).site(),
        new ObjectMapper().valueToTree(arm().site(app.id())), "run-" + app.site() + "-" + System.nanoTime(), false));
  }

  @Test
  void aFindingPagesOnceAndASweepOrAnUnrelatedWriteWhileItStandsPageNobody() throws Exception {
    SiteHandle app = driftedApp("func-once");
    Remediator engine = engine(settings());

    Decision opened = deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    assertEquals(Outcome.ALERTED, opened.outcome(), opened.reason());
    assertEquals(1, pages(app).size());
    assertEquals("opened", pages(app).get(0).get("State"));

    Decision unrelated = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));
    Decision swept = sweep(engine, app);

    assertEquals(Outcome.ALERTED, unrelated.outcome(), "still drifted: " + unrelated.reason());
    assertEquals(Outcome.ALERTED, swept.outcome(), "still drifted: " + swept.reason());
    assertEquals(1, rowsAbout(app).size(), "a standing finding has no row: " + rowsAbout(app));
    assertEquals(1, pages(app).size());
  }

  @Test
  void aStandingFindingIsRemindedAfterTheIntervalOnly() throws Exception {
    SiteHandle app = driftedApp("func-remind");
    MovableClock clock = new MovableClock();
    Remediator engine = engine(settings(), clock);
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));

    clock.advance(Duration.ofHours(23));
    sweep(engine, app);
    assertEquals(1, pages(app).size(), "within the interval: quiet");

    clock.advance(Duration.ofHours(1));
    sweep(engine, app);
    assertEquals(2, pages(app).size());
    Map<String, Object> reminder = pages(app).get(1);
    assertEquals("reminder", reminder.get("State"));
    assertEquals(pages(app).get(0).get("OpenedAt"), reminder.get("OpenedAt"), "its age counts from when it opened");
    assertTrue(((String) reminder.get("Message")).contains("Reminder: open since"), (String) reminder.get("Message"));

    clock.advance(Duration.ofHours(3));
    sweep(engine, app);
    assertEquals(2, pages(app).size(), "the next reminder is a day after this one");
  }

  @Test
  void aFixByAPersonResolvesTheFindingAndPagesNobody() {
    SiteHandle app = driftedApp("func-resolve");
    Remediator engine = engine(settings());
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));

    Decision fixed = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.2\"}}"));

    assertEquals(Outcome.COMPLIANT, fixed.outcome(), fixed.reason());
    assertEquals(1, pages(app).size(), "the resolution pages nobody");
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

  @Test
  void anAppDeletedResolvesItsFindingsAndPagesNobody() {
    SiteHandle app = driftedApp("func-deleted");
    Remediator engine = engine(settings());
    String write = aliceWrites(app.webConfigId(), TLS_1_0);
    deliver(engine, write);
    String later = aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}");
    arm().deleteSite(app.id());

    Decision gone = deliver(engine, later);

    assertEquals(Outcome.SKIPPED, gone.outcome(), gone.reason());
    Map<String, Object> resolved = rowsAbout(app).get(rowsAbout(app).size() - 1);
    assertEquals("resolved", resolved.get("State"));
    assertTrue(((String) resolved.get("Message")).contains("the app was deleted"), (String) resolved.get("Message"));
    assertEquals(1, pages(app).size(), "the deletion pages nobody");
  }

  /** Within DRIFTGUARD_EXEMPTION_HORIZON (90 days), so that the exemption silences the control. */
  private static final String IN_A_MONTH = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();

  @Test
  void anExemptionIsToldAtLowSeverityOnceAndAgainWhenItIsRemoved() {
    SiteHandle app = driftedApp("func-exempted");
    Remediator engine = engine(settings());
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));

    Decision exempted = deliver(engine, aliceTags(app, "Merge",
        "{\"driftguard-exempt\":\"min-tls\",\"driftguard-exempt-reason\":\"old clients\",\"driftguard-exempt-until\":\"" + IN_A_MONTH + "\"}"));
    Decision standing = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));

    assertEquals(Outcome.EXEMPTED, exempted.outcome(), exempted.reason());
    assertEquals(Outcome.EXEMPTED, standing.outcome(), standing.reason());
    List<Map<String, Object>> told = AlertQueries.selected("driftguard-exemptions.kql", rowsAbout(app));
    assertEquals(List.of("exempted"), told.stream().map(row -> row.get("State")).toList(), "once: " + rowsAbout(app));
    assertEquals(3, told.get(0).get("Severity"));
    assertEquals(1, pages(app).size(), "an exemption pages nobody");

    deliver(engine, aliceTags(app, "Delete", "{\"driftguard-exempt\":\"min-tls\"}"));

    told = AlertQueries.selected("driftguard-exemptions.kql", rowsAbout(app));
    assertEquals(List.of("exempted", "exemption-ended"), told.stream().map(row -> row.get("State")).toList());
    assertEquals(2, pages(app).size(), "the drift stands without its exemption: on-call hears of it again");
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

    deliver(engine, shoutedEvent);
    deliver(engine, aliceWrites(app.webConfigId(), TLS_1_0));
    sweep(engine, app);

    assertEquals(1, pages(app).size(), "one finding, however its app was spelled: " + rowsAbout(app));
    assertEquals(List.of(app.id().toLowerCase()), rowsAbout(app).stream().map(row -> row.get("TargetResourceId"))
        .distinct().toList());
  }
}
