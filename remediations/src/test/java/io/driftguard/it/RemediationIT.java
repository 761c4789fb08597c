package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.compliantConfig;
import static io.driftguard.it.LocalAzure.compliantFunctionApp;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.engine;
import static io.driftguard.it.LocalAzure.functionApp;
import static io.driftguard.it.LocalAzure.parse;
import static io.driftguard.it.LocalAzure.properties;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.SiteHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine, wired as in Azure, driving the real SDK over HTTPS against the sandbox. */
class RemediationIT {

  private static final Map<String, String> AUTOFIX = Map.of("DRIFTGUARD_MODE", "autofix");
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  @AfterAll
  static void noSecretWasReadAndNoWholeDocumentWasPut() {
    List<RecordedRequest> requests = LocalAzure.botRequests();
    assertFalse(requests.isEmpty());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isSecretRevealing).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWholeDocumentPut).toList());
    assertEquals(List.of(), requests.stream().filter(FakeArm::isWriteBeyondControlledDocuments).toList());
  }

  private static Map<String, Action> actions(Decision decision) {
    return decision.findings().stream().collect(Collectors.toMap(Finding::rule, Finding::action));
  }

  private static List<RecordedRequest> writes(SiteHandle site) {
    return requestsFor(site).stream().filter(request -> !request.method().equals("GET")).toList();
  }

  @Test
  void theRuntimeTableIsReadOnTheEnginesClock() {
    Map<String, Object> config = new HashMap<>(compliantConfig());
    config.put("linuxFxVersion", "Python|3.8");
    SiteHandle app = functionApp(uniqueName("func-py38"), Map.of(), true, config);
    Clock beforeItsEndOfSupport = Clock.fixed(Instant.parse("2024-10-06T12:00:00Z"), ZoneOffset.UTC);

    Decision decision = deliver(engine(Map.of(), beforeItsEndOfSupport),
        aliceWrites(app.webConfigId(), "{\"properties\":{}}"));

    assertEquals(Outcome.COMPLIANT, decision.outcome(), "Python 3.8 was supported until 2024-10-07: " + decision);
  }

  @Test
  void autofixRepairsConfigDriftWithOneSparsePatch() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-orders"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.0\"}}");

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(Map.of("ftp-disabled", Action.FIXED, "min-tls", Action.FIXED), actions(decision));
    assertEquals("alice@contoso.com", decision.changedBy());
    assertEquals(LocalAzure.DEFAULT_READS, decision.armReads());
    assertEquals(1, decision.armWrites());
    List<RecordedRequest> writes = writes(app);
    assertEquals(1, writes.size());
    assertEquals("PATCH", writes.get(0).method());
    assertTrue(writes.get(0).path().endsWith("/config/web"));
    assertEquals(Map.of("properties", Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2")), parse(writes.get(0).body()));
    Map<?, ?> config = properties(arm().webConfig(app.id()));
    assertEquals("Disabled", config.get("ftpsState"));
    assertEquals("1.2", config.get("minTlsVersion"));
  }

  @Test
  void everyControlIsFixedInAutofixWithOnePatchPerDocument() {
    SiteHandle app = functionApp(uniqueName("func-all"), Map.of(), true, compliantConfig());
    arm().write(LocalAzure.ALICE, "PATCH", app.webConfigId(),
        "{\"properties\":{\"ftpsState\":\"AllAllowed\",\"minTlsVersion\":\"1.1\",\"remoteDebuggingEnabled\":true}}");
    arm().drainEmittedEvents();
    String event = aliceWrites(app.id(), "{\"properties\":{\"httpsOnly\":false}}");

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(Outcome.FIXED, decision.outcome());
    assertEquals(Map.of("https-only", Action.FIXED, "ftp-disabled", Action.FIXED, "remote-debugging-off", Action.FIXED,
        "min-tls", Action.FIXED), actions(decision));
    assertEquals(2, decision.armWrites());
    Map<String, Object> bodies = writes(app).stream().collect(Collectors.toMap(
        request -> request.path().endsWith("/config/web") ? "config" : "site", request -> parse(request.body())));
    assertEquals(Map.of("properties", Map.of("httpsOnly", true)), bodies.get("site"));
    assertEquals(Map.of("properties", Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false)),
        bodies.get("config"));
    assertEquals(true, properties(arm().site(app.id())).get("httpsOnly"));
  }

  @Test
  void everyControlIsReportedInNotifyModeAndNothingIsWritten() {
    SiteHandle app = functionApp(uniqueName("func-notify"), Map.of(), false,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", true));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"http20Enabled\":true}}");

    Decision decision = deliver(engine(Map.of()), event);

    assertEquals(Outcome.ALERTED, decision.outcome());
    assertEquals(4, decision.findings().size());
    assertTrue(decision.findings().stream().allMatch(finding -> finding.action() == Action.ALERTED
        && finding.mode().equals("notify") && finding.manualFix().startsWith("az functionapp")));
    assertEquals(0, decision.armWrites());
    assertEquals(List.of(), writes(app));
  }

  @Test
  void perControlSettingsAndAppTagsChooseTheMode() {
    Map<String, Object> drifted = Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false);
    SiteHandle app = functionApp(uniqueName("func-mixed"), Map.of(), true, drifted);
    Decision mixed = deliver(engine(Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_RULE_MIN_TLS", "notify")),
        aliceWrites(app.webConfigId(), "{\"properties\":{}}"));
    assertEquals(Map.of("ftp-disabled", Action.FIXED, "min-tls", Action.ALERTED), actions(mixed));
    assertEquals(Map.of("properties", Map.of("ftpsState", "Disabled")), parse(writes(app).get(0).body()));

    SiteHandle exempt = functionApp(uniqueName("func-exempt"), Map.of("driftguard-mode", "off", "driftguard-exempt-reason",
        "legacy", "driftguard-exempt-until", LocalDate.now(ZoneOffset.UTC).plusDays(30).toString()), true, drifted);
    Decision exempted = deliver(engine(AUTOFIX), aliceWrites(exempt.webConfigId(), "{\"properties\":{}}"));
    assertEquals(Outcome.EXEMPTED, exempted.outcome(), "evaluated and reported, not skipped: " + exempted.reason());
    assertEquals(Map.of("ftp-disabled", Action.EXEMPTED, "min-tls", Action.EXEMPTED), actions(exempted));
    assertEquals(List.of(), writes(exempt));

    SiteHandle notify = functionApp(uniqueName("func-tagged"), Map.of("driftguard-mode", "notify"), true, drifted);
    Decision alerted = deliver(engine(AUTOFIX), aliceWrites(notify.webConfigId(), "{\"properties\":{}}"));
    assertEquals(Outcome.ALERTED, alerted.outcome());
    assertEquals("tag driftguard-mode", alerted.findings().get(0).modeSource());
  }

  @Test
  void aSlotEventEvaluatesAndFixesThatSlotOnly() {
    String name = uniqueName("func-pay");
    SiteHandle site = functionApp(name, Map.of(), true,
        Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    SiteHandle slot = LocalAzure.slot(name, "staging", true, compliantConfig());
    String event = aliceWrites(slot.webConfigId(), "{\"properties\":{\"remoteDebuggingEnabled\":true}}");

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(slot.id(), decision.resource());
    assertEquals(Map.of("remote-debugging-off", Action.FIXED), actions(decision));
    assertTrue(requestsFor(site).stream().allMatch(request -> request.path().contains("/slots/staging")));
    assertEquals(false, properties(arm().webConfig(slot.id())).get("remoteDebuggingEnabled"));
    assertEquals("AllAllowed", properties(arm().webConfig(site.id())).get("ftpsState"), "the site itself is another event's business");
  }

  @Test
  void driftguardsOwnFunctionAppAndItsSlotsAreJudgedAndReportedNeverWritten() {
    String name = uniqueName("func-driftguard");
    Map<String, Object> drifted = Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false);
    SiteHandle own = functionApp(name, Map.of(), true, drifted);
    SiteHandle ownSlot = LocalAzure.slot(name, "staging", true, drifted);
    SiteHandle other = functionApp(uniqueName("func-other"), Map.of(), true, drifted);
    Remediator engine = LocalAzure.engineRunningIn(own, AUTOFIX);

    for (SiteHandle ownTarget : List.of(own, ownSlot)) {
      Decision decision = deliver(engine, aliceWrites(ownTarget.webConfigId(), "{\"properties\":{}}"));
      assertEquals(Outcome.ALERTED, decision.outcome(), decision.reason());
      assertEquals(0, decision.armWrites());
      String why = decision.findings().get(0).modeSource();
      assertEquals("DRIFTGUARD_MODE, but driftguard's own function app is judged and reported, never written (a fix could"
          + " cut its own event delivery)", why);
    }
    assertEquals(List.of(), writes(own), "neither the app nor its slot");
    assertEquals(Outcome.FIXED, deliver(engine, aliceWrites(other.webConfigId(), "{\"properties\":{}}")).outcome());
  }

  @Test
  void theBotsOwnWriteIsSkippedWithoutAnyArmRequest() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-loop"));
    Remediator engine = engine(AUTOFIX);
    assertEquals(Outcome.FIXED, deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"FtpsOnly\"}}")).outcome());
    List<String> ownEvents = arm().drainEmittedEvents();
    assertEquals(1, ownEvents.size(), "the fix itself raises a write event");
    int before = requestsFor(app).size();

    Decision own = deliver(engine, ownEvents.get(0));

    assertEquals(Outcome.SKIPPED, own.outcome());
    assertTrue(own.reason().startsWith("driftguard's own write"), own.reason());
    assertEquals(0, own.armReads() + own.armWrites());
    assertEquals(before, requestsFor(app).size());
  }

  @Test
  void outOfScopeDuplicateAndForgedEventsCostNothing() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-scope"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");

    Decision outOfScope = deliver(engine(Map.of("DRIFTGUARD_SUBSCRIPTIONS", "00000000-0000-0000-0000-000000000bad")), event);
    assertEquals(Outcome.SKIPPED, outOfScope.outcome());
    assertTrue(outOfScope.reason().contains("DRIFTGUARD_SUBSCRIPTIONS"));
    assertEquals(List.of(), requestsFor(app));

    Remediator engine = engine(Map.of());
    assertEquals(Outcome.ALERTED, deliver(engine, event).outcome());
    int afterFirst = requestsFor(app).size();
    Decision duplicate = deliver(engine, event);
    assertEquals(Outcome.SKIPPED, duplicate.outcome());
    assertTrue(duplicate.reason().contains("duplicate"));
    assertEquals(afterFirst, requestsFor(app).size());

    ObjectNode forged = (ObjectNode) readTree(event);
    String traversal = app.id() + "/../../../../providers/Microsoft.Web/sites/victim";
    forged.put("subject", traversal);
    ((ObjectNode) forged.get("data")).put("resourceUri", traversal);
    forged.put("id", "forged-1");
    Decision rejected = deliver(engine, forged.toString());
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(afterFirst, requestsFor(app).size());
  }

  @Test
  void cloudEventsAreHandledLikeEventGridEvents() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-ce"));
    ObjectNode eventGrid = (ObjectNode) readTree(aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.1\"}}"));
    ObjectNode cloudEvent = JSON.createObjectNode()
        .put("specversion", "1.0")
        .put("id", eventGrid.get("id").asText())
        .put("source", eventGrid.get("topic").asText())
        .put("subject", eventGrid.get("subject").asText())
        .put("type", eventGrid.get("eventType").asText())
        .put("time", eventGrid.get("eventTime").asText());
    cloudEvent.set("data", eventGrid.get("data"));

    Decision decision = deliver(engine(AUTOFIX), cloudEvent.toString());

    assertEquals(Map.of("min-tls", Action.FIXED), actions(decision));
  }

  @Test
  void aPlainWebAppCostsOneReadAndACompliantFunctionAppThree() {
    SiteHandle web = arm().seedSite(LocalAzure.SUBSCRIPTION, "rg-it", uniqueName("web-shop"), "app", Map.of(), false,
        Map.of("ftpsState", "AllAllowed"));
    Remediator engine = engine(AUTOFIX);
    Decision skipped = deliver(engine, aliceWrites(web.webConfigId(), "{\"properties\":{}}"));
    assertEquals(Outcome.SKIPPED, skipped.outcome());
    assertEquals("not a function app (kind 'app')", skipped.reason());
    assertEquals(1, skipped.armReads());

    SiteHandle app = compliantFunctionApp(uniqueName("func-ok"));
    Decision first = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{}}"));
    Decision second = deliver(engine, aliceWrites(app.webConfigId(), "{\"properties\":{}}"));
    for (Decision compliant : List.of(first, second)) {
      assertEquals(Outcome.COMPLIANT, compliant.outcome());
      assertEquals(3, compliant.armReads(), "site, config/web and the publishing-policy list");
      assertEquals(0, compliant.armWrites());
    }
    List<String> onTheWire = requestsFor(app).stream().filter(request -> request.method().equals("GET"))
        .map(request -> request.path().substring(app.id().length())).toList();
    assertEquals(List.of("", "/basicPublishingCredentialsPolicies", "/config/web"), onTheWire.subList(0, 3).stream()
        .sorted().toList(), "the first event: the site, then the documents the controls need");
    assertEquals(6, onTheWire.size(), "three reads an event, counted on the wire: " + onTheWire);
    assertEquals(2, onTheWire.stream().filter(path -> path.equals("/basicPublishingCredentialsPolicies")).count(),
        "both policies in one list read, never one by one: " + onTheWire);
  }

  @Test
  void aDeletedAppIsSkipped() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-gone"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    arm().deleteSite(app.id());

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(Outcome.SKIPPED, decision.outcome());
    assertTrue(decision.reason().startsWith("the site no longer exists"), decision.reason());
    assertFalse(decision.retryable());
  }

  @Test
  void aDocumentArmLacksLeavesOnlyItsControlsNotJudgedAndTheOthersAreFixed() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-lacks"));
    String event = aliceWrites(app.id(), "{\"properties\":{\"httpsOnly\":false}}");
    // The role refuses the policies' list (403), so each policy is read alone: this app's kind has no SCM policy
    // (404), and FTP's is refused to read (403). None of these means the app is gone.
    arm().inject(Fault.on("GET", "/sites/" + app.site() + "/basicPublishingCredentialsPolicies$").status(403)
        .times(Fault.ALWAYS));
    arm().inject(Fault.on("GET", "/sites/" + app.site() + "/basicPublishingCredentialsPolicies/scm$").status(404)
        .times(Fault.ALWAYS));
    arm().inject(Fault.on("GET", "/sites/" + app.site() + "/basicPublishingCredentialsPolicies/ftp$").status(403)
        .times(Fault.ALWAYS));

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(Map.of("https-only", Action.FIXED), actions(decision));
    assertEquals(true, properties(arm().site(app.id())).get("httpsOnly"));
    assertEquals(LocalAzure.DEFAULT_READS + 2, decision.armReads(),
        "the refused list, then each policy once, the lacking ones too");
    String scm = notJudged(decision, "scm-basic-auth-off");
    assertTrue(scm.contains("basicPublishingCredentialsPolicies/scm") && scm.contains("404"), scm);
    String ftp = notJudged(decision, "ftp-basic-auth-off");
    assertTrue(ftp.contains("basicPublishingCredentialsPolicies/ftp") && ftp.contains("AuthorizationFailed"), ftp);
    assertTrue(decision.evaluated().contains("min-tls"), "the other controls are judged: " + decision.evaluated());
  }

  /** Why a control was not judged, as the decision's {@code evaluated} list says it. */
  private static String notJudged(Decision decision, String rule) {
    String prefix = rule + " (not judged: ";
    return decision.evaluated().stream().filter(entry -> entry.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError(rule + " is not among the unjudged: " + decision.evaluated()));
  }

  @Test
  void aForbiddenFixFailsPermanentlyWithTheReason() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-denied"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    arm().inject(Fault.on("PATCH", app.site() + "/config/web").status(403).times(Fault.ALWAYS));

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(Outcome.FAILED, decision.outcome());
    assertFalse(decision.retryable());
    Finding finding = decision.findings().get(0);
    assertEquals(Action.FIX_FAILED, finding.action());
    assertTrue(finding.detail().contains("AuthorizationFailed"), finding.detail());
    assertEquals(1, decision.armWrites(), "403 is not retried");
  }

  @Test
  void fixesOfDifferentDocumentsAreWrittenAtOnceAndEachReportsItsOwnOutcome() {
    SiteHandle app = functionApp(uniqueName("func-both"), Map.of(), true, compliantConfig());
    arm().write(LocalAzure.ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.1\"}}");
    String event = aliceWrites(app.id(), "{\"properties\":{\"httpsOnly\":false}}");
    // The site's fix is answered late, config/web's is refused: neither may wait for, or spoil, the other.
    arm().inject(Fault.on("PATCH", "/sites/" + app.site() + "$").delay(Duration.ofSeconds(1)).times(Fault.ALWAYS));
    arm().inject(Fault.on("PATCH", app.site() + "/config/web").status(403).times(Fault.ALWAYS));

    Decision decision = deliver(engine(AUTOFIX), event);

    assertEquals(List.of("https-only", "min-tls"), decision.findings().stream().map(Finding::rule).toList());
    assertEquals(Action.FIXED, decision.findings().get(0).action());
    assertEquals(Action.FIX_FAILED, decision.findings().get(1).action());
    assertTrue(decision.findings().get(1).detail().contains("AuthorizationFailed"), decision.findings().get(1).detail());
    assertEquals(true, properties(arm().site(app.id())).get("httpsOnly"));
    RecordedRequest sitePatch = writes(app).stream().filter(request -> !request.path().endsWith("/config/web"))
        .findFirst().orElseThrow();
    RecordedRequest configPatch = writes(app).stream().filter(request -> request.path().endsWith("/config/web"))
        .findFirst().orElseThrow();
    assertTrue(configPatch.at().isBefore(sitePatch.answered()),
        "config/web's fix was sent at " + configPatch.at() + ", after the site's was answered at " + sitePatch.answered());
  }

  @Test
  void throttlingIsRetriedAfterRetryAfter() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-429"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"remoteDebuggingEnabled\":true}}");
    arm().inject(Fault.on("GET", app.site() + "/config/web").status(429).retryAfterSeconds(1).times(1));

    MovableTicker ticker = new MovableTicker();
    Decision decision = deliver(engine(AUTOFIX, ticker), event);

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(LocalAzure.DEFAULT_READS + 1, decision.armReads(), "every document, and the throttled config read again");
    assertEquals(List.of(Duration.ofSeconds(1)), ticker.sleeps(), "waited for Retry-After, on the engine's ticker");
  }

  @Test
  void persistentServerErrorsAreRetryableAndTheRedeliveryIsHandled() {
    SiteHandle app = compliantFunctionApp(uniqueName("func-503"));
    String event = aliceWrites(app.webConfigId(), "{\"properties\":{\"ftpsState\":\"AllAllowed\"}}");
    Remediator engine = engine(AUTOFIX);
    arm().inject(Fault.on("*", app.site()).status(503).times(Fault.ALWAYS));

    Decision failed = deliver(engine, event);
    assertEquals(Outcome.FAILED, failed.outcome());
    assertTrue(failed.retryable());
    assertEquals(4, failed.armReads(), "one try and the SDK's three retries");

    arm().clearFaults();
    Decision redelivered = deliver(engine, event);
    assertEquals(Outcome.FIXED, redelivered.outcome(), "a retryable failure is not remembered as handled");
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
