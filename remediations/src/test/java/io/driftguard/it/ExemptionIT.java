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
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.SiteHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
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

  /** A month from today: an expiry within the default horizon. */
  private static final String IN_A_MONTH = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();

  private static List<Map<String, Object>> rowsOf(Decision decision) {
    return sandbox().logs().rows().stream().filter(row -> decision.eventId().equals(row.get("EventId"))).toList();
  }

  private static List<AuditEntry> auditOf(Decision decision) {
    return Driftguard.auditTrail(Settings.from(recordingSettings()), Clock.systemUTC())
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
    String event = aliceWrites(app.id(), "{\"tags\":{\"driftguard-mode\":\"off\",\"driftguard-exempt-reason\":\"legacy\","
        + "\"driftguard-exempt-until\":\"" + IN_A_MONTH + "\"},\"properties\":{\"httpsOnly\":false}}");

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
        && message.contains("exempt by tag driftguard-mode=off, reason 'legacy', written by alice@contoso.com, until "),
        message);
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
        "{\"driftguard-exempt\":\"https-only\",\"driftguard-exempt-reason\":\"legacy client\",\"driftguard-exempt-until\":\""
            + IN_A_MONTH + "\"}"));

    assertEquals(Outcome.EXEMPTED, exempted.outcome(), exempted.reason());
    assertEquals("Microsoft.Resources/tags/write", exempted.operation());
    assertEquals(app.id(), exempted.resource());
    assertFalse(httpsOnly(app));
    String mode = (String) rowsOf(exempted).get(0).get("Mode");
    assertEquals("off (tag driftguard-exempt=https-only, reason 'legacy client', written by alice@contoso.com, until "
        + LocalDate.parse(IN_A_MONTH).plusDays(1) + "T00:00:00Z)", mode);

    Decision fixed = deliver(engine, aliceTags(app, "Delete", "{\"driftguard-exempt\":\"https-only\"}"));

    assertEquals(Outcome.FIXED, fixed.outcome(), fixed.reason());
    assertTrue(httpsOnly(app));
  }

  @Test
  void onASlotTheTagsApiEventIsAcceptedForTheSlot() {
    String name = uniqueName("func-slottags");
    functionApp(name, Map.of(), true, compliantConfig());
    SiteHandle slot = arm().seedSlot(LocalAzure.SUBSCRIPTION, "rg-it", name, "staging", false, compliantConfig());

    Decision decision = deliver(engine(settings()), aliceTags(slot, "Merge", "{\"driftguard-exempt\":\"all\","
        + "\"driftguard-exempt-reason\":\"blue-green\",\"driftguard-exempt-until\":\"" + IN_A_MONTH + "\"}"));

    assertEquals(Outcome.EXEMPTED, decision.outcome(), decision.reason());
    assertEquals(slot.id(), decision.resource());
  }

  /** The reason is the tag writer's text: the row's expiry is the one driftguard read, in its own column. */
  @Test
  void theRowCarriesTheExpiryDriftguardReadWhateverTheReasonSays() {
    MovableClock clock = new MovableClock();
    Instant until = clock.instant().plus(Duration.ofDays(10));
    SiteHandle app = functionApp(uniqueName("func-until"), Map.of("driftguard-exempt", "https-only",
        "driftguard-exempt-reason", "expires 2099-12-31", "driftguard-exempt-until", until.toString()), true,
        compliantConfig());

    Decision exempted = deliver(engine(settings(), clock), aliceWrites(app.id(), HTTPS_OFF));

    assertEquals(Outcome.EXEMPTED, exempted.outcome(), exempted.reason());
    Map<String, Object> row = rowsOf(exempted).get(0);
    assertEquals(until.toString(), row.get("ExemptUntil"));
    assertTrue(((String) row.get("Message")).contains("expires 2099-12-31"), "the text still says what it says");
  }

  @Test
  void anExemptionPastItsDateOnTheEnginesClockIsVoidAndTheFixSaysItExpired() {
    MovableClock clock = new MovableClock();
    String until = clock.instant().plus(Duration.ofDays(1)).toString();
    SiteHandle app = functionApp(uniqueName("func-expiry"), Map.of("driftguard-exempt", "all", "driftguard-exempt-until", until,
        "driftguard-exempt-reason", "cut-over"), true, compliantConfig());
    Remediator engine = engine(settings(), clock);

    assertEquals(Outcome.EXEMPTED, deliver(engine, aliceWrites(app.id(), HTTPS_OFF)).outcome());
    clock.advance(Duration.ofDays(2));
    Decision expired = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}"));

    assertEquals(Outcome.FIXED, expired.outcome(), expired.reason());
    assertTrue(httpsOnly(app));
    assertTrue(expired.findings().get(0).modeSource().contains("tag driftguard-exempt=all, reason 'cut-over', written by "
        + "someone before this write of config/web: expired at "),
        expired.findings().get(0).modeSource());
  }

  @Test
  void anExpiryNoClockReachesVoidsTheExemptionAndTheDeliverySucceeds() {
    SiteHandle app = functionApp(uniqueName("func-farfuture"), Map.of("driftguard-exempt", "all",
        "driftguard-exempt-reason", "forever", "driftguard-exempt-until", "+999999999-12-31"), true, compliantConfig());

    Decision decision = deliver(engine(settings()), aliceWrites(app.id(), HTTPS_OFF));

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertFalse(decision.retryable());
    assertTrue(httpsOnly(app));
    assertTrue(decision.findings().get(0).modeSource().contains("void, driftguard-exempt-until '+999999999-12-31' is not"),
        decision.findings().get(0).modeSource());
  }

  @Test
  void anExemptionWithoutReasonAndExpiryStopsFixesButIsReportedInNotifyModeSayingWhatItLacksAndWhoWroteIt() {
    SiteHandle app = functionApp(uniqueName("func-ungoverned"), Map.of(), true, compliantConfig());
    Remediator engine = engine(settings());

    Decision decision = deliver(engine, aliceWrites(app.id(),
        "{\"tags\":{\"driftguard-exempt\":\"https-only\"},\"properties\":{\"httpsOnly\":false}}"));

    assertEquals(Outcome.ALERTED, decision.outcome(), decision.reason());
    assertEquals(0, decision.armWrites(), "the owner asked not to be written");
    assertFalse(httpsOnly(app));
    Map<String, Object> row = rowsOf(decision).get(0);
    assertEquals(2, row.get("Severity"));
    assertEquals("alerted", row.get("Action"));
    assertEquals("notify (tag driftguard-exempt=https-only, no reason given, written by alice@contoso.com, no expiry "
        + "(no driftguard-exempt-until tag): not a governed exemption, it lacks a reason (driftguard-exempt-reason) and an "
        + "expiry (driftguard-exempt-until); reported in notify mode, never fixed)", row.get("Mode"));
    assertTrue(auditOf(decision).get(0).modeSource().contains("written by alice@contoso.com"));
  }

  @Test
  void anExpiryBeyondTheHorizonDoesNotSilenceUnlessTheAdministratorWidensOrDropsIt() {
    Map<String, String> tags = Map.of("driftguard-exempt", "all", "driftguard-exempt-reason", "migration",
        "driftguard-exempt-until", LocalDate.now(ZoneOffset.UTC).plusDays(200).toString());
    SiteHandle app = functionApp(uniqueName("func-horizon"), tags, true, compliantConfig());
    SiteHandle untagged = functionApp(uniqueName("func-horizonoff"), Map.of("driftguard-mode", "off"), true, compliantConfig());

    Decision tooFar = deliver(engine(settings()), aliceWrites(app.id(), HTTPS_OFF));
    Decision widened = deliver(engine(settings("DRIFTGUARD_EXEMPTION_HORIZON", "365d")), aliceWrites(app.id(), HTTPS_OFF));
    Decision dropped = deliver(engine(settings("DRIFTGUARD_EXEMPTION_HORIZON", "off")), aliceWrites(untagged.id(), HTTPS_OFF));

    assertEquals(Outcome.ALERTED, tooFar.outcome(), tooFar.reason());
    assertTrue(tooFar.findings().get(0).modeSource().contains("it lacks an expiry within 90 days"),
        tooFar.findings().get(0).modeSource());
    assertEquals(Outcome.EXEMPTED, widened.outcome(), widened.reason());
    assertEquals(Outcome.EXEMPTED, dropped.outcome(), dropped.reason());
    assertEquals(List.of(), LocalAzure.requestsFor(app).stream().filter(request -> !request.method().equals("GET")).toList());
  }

  /**
   * The attack of issue 19: someone who may only write tags (Tag Contributor, a tagging bot) asks for every fix. With
   * default settings (notify, exemptions honoured) driftguard reports and writes nothing; an administrator who lets
   * tags opt in to the safe controls' fixes gets those, and only those.
   */
  @Test
  void aTagOnlyWriterCannotMakeDriftguardWriteAFixTheSettingsWouldNot() {
    Caller tagBot = Caller.servicePrincipal("33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444",
        "tagging-bot");
    Map<String, Object> drifted = new HashMap<>(compliantConfig());
    drifted.putAll(Map.of("ftpsState", "AllAllowed", "cors", Map.of("allowedOrigins", List.of("*"))));
    SiteHandle app = functionApp(uniqueName("func-tagbot"), Map.of(), false, drifted);
    Remediator defaults = engine(recordingSettings());

    for (String tags : List.of("{\"driftguard-autofix\":\"all\"}", "{\"driftguard-mode\":\"autofix\"}")) {
      arm().drainEmittedEvents();
      arm().write(tagBot, "PATCH", app.tagsId(), "{\"operation\":\"Replace\",\"properties\":{\"tags\":" + tags + "}}");
      Decision decision = deliver(defaults, arm().drainEmittedEvents().get(0));

      assertEquals(Outcome.ALERTED, decision.outcome(), tags + ": " + decision.reason());
      assertEquals(0, decision.armWrites(), tags);
      assertTrue(decision.findings().stream().allMatch(finding -> finding.action() == Action.ALERTED), decision.reason());
      String httpsOnly = decision.findings().stream().filter(finding -> finding.rule().equals("https-only")).findFirst()
          .orElseThrow().modeSource();
      assertTrue(httpsOnly.startsWith("a tag asked for more than it got: autofix (tag driftguard-"), httpsOnly);
    }
    assertFalse(httpsOnly(app));

    Decision optedIn = deliver(engine(Map.of("DRIFTGUARD_TAG_OPT_IN", "safe")), aliceWrites(app.id(), HTTPS_OFF));
    assertEquals(Map.of("https-only", Action.FIXED, "ftp-disabled", Action.FIXED, "cors-no-wildcard", Action.ALERTED),
        optedIn.findings().stream().collect(Collectors.toMap(Finding::rule, Finding::action)), optedIn.reason());
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
    SiteHandle app = functionApp(uniqueName("func-sweepexempt"), Map.of("driftguard-exempt", "min-tls, https-only",
        "driftguard-exempt-reason", "old clients", "driftguard-exempt-until", IN_A_MONTH), false,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false));
    Remediator engine = engine(settings());

    Decision decision = engine.handle(Arrival.listed(ResourceIds.parse(app.id()).site(),
        new ObjectMapper().valueToTree(arm().site(app.id())), "run-" + app.site(), false));

    assertEquals(Outcome.EXEMPTED, decision.outcome(), decision.reason());
    assertEquals(List.of("exempted", "exempted"), rowsOf(decision).stream().map(row -> row.get("Action")).toList());
    assertTrue(rowsOf(decision).stream().allMatch(row -> row.get("Severity").equals(3)
        && ((String) row.get("Mode")).contains("tag driftguard-exempt=min-tls, https-only, reason 'old clients', written by "
        + "someone before this sweep (a sweep knows no writer), until ")));
    assertEquals(2, auditOf(decision).size());
    assertEquals("1.0", LocalAzure.properties(arm().webConfig(app.id())).get("minTlsVersion"));
  }
}
