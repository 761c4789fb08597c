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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Action;
import io.driftguard.engine.Arrival;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.record.AuditEntry;
import io.driftguard.resource.ResourceIds;
import io.driftguard.sandbox.SiteHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Exemptions by tag are visible: an exempt control is still evaluated, each finding recorded as exempted in the audit
 * trail and as a severity-3 row naming the tag and who wrote the app, and nothing is written. Tags set through the
 * Tags API arrive as events too.
 */
class ExemptionIT {

  private static final String HTTPS_OFF = "{\"properties\":{\"httpsOnly\":false}}";

  private static Map<String, String> settings(String... pairs) {
    Map<String, String> settings = new HashMap<>(recordingSettings());
    settings.put("DRIFTGUARD_MODE", "autofix");
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  private static List<Map<String, Object>> rowsOf(Decision decision) {
    return sandbox().logs().rows().stream().filter(row -> decision.eventId().equals(row.get("EventId"))).toList();
  }

  private static List<AuditEntry> auditOf(Decision decision) {
    return Driftguard.auditTrail(Settings.from(recordingSettings()))
        .history(Optional.empty(), Instant.now().minus(Duration.ofMinutes(10))).stream()
        .filter(entry -> entry.eventId().equals(decision.eventId())).toList();
  }

  private static boolean httpsOnly(SiteHandle app) {
    return (Boolean) LocalAzure.properties(arm().site(app.id())).get("httpsOnly");
  }


  @Test
  void modeOffByTagIsEvaluatedRecordedAsExemptedOncePerEventAndNeverWritten() {
    SiteHandle app = functionApp(uniqueName("func-off"), Map.of(), true, compliantConfig());
    Remediator engine = engine(settings());
    String event = aliceWrites(app.id(), "{\"tags\":{\"driftguard-mode\":\"off\"},\"properties\":{\"httpsOnly\":false}}");

    Decision decision = deliver(engine, event);

    assertEquals(Outcome.EXEMPTED, decision.outcome(), decision.reason());
    assertEquals(0, decision.armWrites(), "driftguard-mode=off keeps its meaning: no writes");
    assertFalse(httpsOnly(app));
    Finding finding = decision.findings().get(0);
    assertEquals(List.of("https-only"), decision.findings().stream().map(Finding::rule).toList());
    assertEquals(Action.EXEMPTED, finding.action());
    Map<String, Object> row = rowsOf(decision).get(0);
    assertEquals(3, row.get("Severity"));
    assertEquals("exempted", row.get("Action"));
    assertEquals("alice@contoso.com", row.get("Actor"));
    assertTrue(((String) row.get("Mode")).contains("tag driftguard-mode=off"), (String) row.get("Mode"));
    String message = (String) row.get("Message");
    assertTrue(message.contains("alice@contoso.com wrote site of " + app.site())
        && message.contains("exempt by tag driftguard-mode=off, no reason given, no expiry"), message);
    List<AuditEntry> audit = auditOf(decision);
    assertEquals(1, audit.size());
    assertEquals("exempted", audit.get(0).action());

    assertEquals(Outcome.SKIPPED, deliver(engine, event).outcome(), "a redelivery is a duplicate");
    assertEquals(1, rowsOf(decision).size(), "once per event");
    assertEquals(1, auditOf(decision).size());
  }

  @Test
  void anExemptionSetThroughTheTagsApiIsSeenAndRemovingItLetsTheNextEventFix() {
    SiteHandle app = functionApp(uniqueName("func-tagsapi"), Map.of(), false, compliantConfig());
    Remediator engine = engine(settings());

    Decision exempted = deliver(engine, aliceTags(app, "Merge",
        "{\"driftguard-exempt\":\"https-only\",\"driftguard-exempt-reason\":\"legacy client\",\"driftguard-exempt-until\":\"2099-12-31\"}"));

    assertEquals(Outcome.EXEMPTED, exempted.outcome(), exempted.reason());
    assertEquals("Microsoft.Resources/tags/write", exempted.operation());
    assertEquals(app.id(), exempted.resource());
    assertFalse(httpsOnly(app));
    String mode = (String) rowsOf(exempted).get(0).get("Mode");
    assertEquals("off (tag driftguard-exempt=https-only, reason 'legacy client', until 2100-01-01T00:00:00Z)", mode);

    Decision fixed = deliver(engine, aliceTags(app, "Delete", "{\"driftguard-exempt\":\"https-only\"}"));

    assertEquals(Outcome.FIXED, fixed.outcome(), fixed.reason());
    assertTrue(httpsOnly(app));
  }

  @Test
  void onASlotTheTagsApiEventIsAcceptedForTheSlot() {
    String name = uniqueName("func-slottags");
    functionApp(name, Map.of(), true, compliantConfig());
    SiteHandle slot = arm().seedSlot(LocalAzure.SUBSCRIPTION, "rg-it", name, "staging", false, compliantConfig());

    Decision decision = deliver(engine(settings()), aliceTags(slot, "Merge", "{\"driftguard-exempt\":\"all\"}"));

    assertEquals(Outcome.EXEMPTED, decision.outcome(), decision.reason());
    assertEquals(slot.id(), decision.resource());
  }

  @Test
  void anExemptionPastItsDateOnTheEnginesClockIsVoidAndTheFixSaysItExpired() {
    MovableClock clock = new MovableClock();
    String until = clock.instant().plus(Duration.ofDays(1)).toString();
    SiteHandle app = functionApp(uniqueName("func-expiry"), Map.of("driftguard-exempt", "all", "driftguard-exempt-until", until),
        true, compliantConfig());
    Remediator engine = engine(settings(), clock);

    assertEquals(Outcome.EXEMPTED, deliver(engine, aliceWrites(app.id(), HTTPS_OFF)).outcome());
    clock.advance(Duration.ofDays(2));
    Decision expired = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));

    assertEquals(Outcome.FIXED, expired.outcome(), expired.reason());
    assertTrue(httpsOnly(app));
    assertTrue(expired.findings().get(0).modeSource().contains("tag driftguard-exempt=all, no reason given: expired at "),
        expired.findings().get(0).modeSource());
  }

  @Test
  void reportModeNamesTheExemptionButFixes() {
    SiteHandle app = functionApp(uniqueName("func-report"), Map.of("driftguard-exempt", "all"), true, compliantConfig());

    Decision decision = deliver(engine(settings("DRIFTGUARD_TAG_EXEMPTIONS", "report")), aliceWrites(app.id(), HTTPS_OFF));

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertTrue(httpsOnly(app));
    assertTrue(decision.findings().get(0).modeSource().contains("not honoured, DRIFTGUARD_TAG_EXEMPTIONS=report"));
  }

  @Test
  void aSweepReportsExemptFindingsToo() throws Exception {
    SiteHandle app = functionApp(uniqueName("func-sweepexempt"), Map.of("driftguard-exempt", "min-tls, https-only"), false,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false));
    Remediator engine = engine(settings());

    Decision decision = engine.handle(Arrival.listed(ResourceIds.parse(app.id()).site(),
        new ObjectMapper().valueToTree(arm().site(app.id())), "run-" + app.site(), false));

    assertEquals(Outcome.EXEMPTED, decision.outcome(), decision.reason());
    assertEquals(List.of("exempted", "exempted"), rowsOf(decision).stream().map(row -> row.get("Action")).toList());
    assertTrue(rowsOf(decision).stream().allMatch(row -> row.get("Severity").equals(3)
        && ((String) row.get("Mode")).contains("tag driftguard-exempt=min-tls, https-only")));
    assertEquals(2, auditOf(decision).size());
    assertEquals("1.0", LocalAzure.properties(arm().webConfig(app.id())).get("minTlsVersion"));
  }
}
