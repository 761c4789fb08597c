package io.driftguard.it;

import static io.driftguard.it.LocalAzure.aliceWrites;
import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.deliver;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resource groups named with any letters ARM allows are handled like any other, through the real SDK's encoding. */
class UnicodeNamesIT {

  private static final String GROUP = "rg-données-(prod)";
  private static final String SCANNED = "00000000-0000-0000-0000-0000000c0de5";
  private static final Map<String, String> AUTOFIX = Map.of("DRIFTGUARD_MODE", "autofix");

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  private static List<Decision> sweep(String subscription) {
    return sweep(subscription, AUTOFIX);
  }

  private static List<Decision> sweep(String subscription, Map<String, String> settings) {
    List<Decision> decisions = new CopyOnWriteArrayList<>();
    LocalAzure.parts(settings, Clock.systemUTC()).sweeper().run(
        SweepRequest.oneOff(List.of(subscription), false, Duration.ofMinutes(1)), LocalAzure.collectingInto(decisions));
    return decisions;
  }

  @Test
  void anEventForAnAppInAUnicodeResourceGroupIsFixed() {
    SiteHandle app = arm().seedSite(LocalAzure.SUBSCRIPTION, GROUP, uniqueName("func-unicode"), "functionapp", Map.of(),
        true, LocalAzure.compliantConfig());

    Decision decision = deliver(LocalAzure.engine(AUTOFIX),
        aliceWrites(app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));

    assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
    assertEquals(app.id(), decision.resource());
    assertEquals("1.2", LocalAzure.properties(arm().webConfig(app.id())).get("minTlsVersion"));
  }

  @Test
  void aScanFixesAnAppAndASlotInAUnicodeResourceGroup() {
    SiteHandle app = arm().seedSite(SCANNED, GROUP, uniqueName("func-scan"), "functionapp", Map.of(), false,
        LocalAzure.compliantConfig());
    SiteHandle slot = arm().seedSlot(SCANNED, GROUP, app.site(), "staging", false, LocalAzure.compliantConfig());

    List<Decision> decisions = sweep(SCANNED);

    assertEquals(2, decisions.size(), decisions.toString());
    for (SiteHandle handle : List.of(app, slot)) {
      Decision decision = decisions.stream().filter(d -> d.resource().equals(handle.id())).findFirst().orElseThrow();
      assertEquals(Outcome.FIXED, decision.outcome(), decision.reason());
      assertEquals(true, LocalAzure.properties(arm().site(handle.id())).get("httpsOnly"));
    }
  }

  @Test
  void aListedSiteWhoseIdCannotBeParsedIsAFailedDecisionAndASeverityOneRowNotPassedOver() {
    String subscription = "00000000-0000-0000-0000-0000000bad1d";
    String unparsable = "/subscriptions/" + subscription + "/resourceGroups/rg/providers/Microsoft.Web/sites/a?b";
    arm().inject(Fault.on("GET", "^/subscriptions/" + subscription + "/providers/Microsoft.Web/sites$")
        .times(Fault.ALWAYS).answer("{\"value\":[{\"id\":\"" + unparsable + "\",\"name\":\"a?b\",\"kind\":\"functionapp\","
            + "\"properties\":{}}]}"));

    Map<String, String> settings = new HashMap<>(AUTOFIX);
    settings.putAll(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_SWEEP_SOURCE", "arm");

    List<Decision> decisions = sweep(subscription, settings);

    assertEquals(1, decisions.size(), decisions.toString());
    Decision refused = decisions.get(0);
    assertEquals(Outcome.FAILED, refused.outcome());
    assertTrue(refused.reason().contains("query or fragment"), refused.reason());
    assertFalse(refused.retryable());
    List<Map<String, Object>> rows = LocalAzure.sandbox().logs().rows().stream()
        .filter(row -> refused.eventId().equals(row.get("EventId"))).toList();
    assertEquals(1, rows.size(), "one alert row for the refused listing");
    assertEquals(1, ((Number) rows.get(0).get("Severity")).intValue());
    assertEquals("failed", rows.get(0).get("Action"));
    assertEquals(unparsable.toLowerCase(), rows.get(0).get("TargetResourceId"),
        "without driftguard's own app known, the listed id, lower-cased");
    assertTrue(String.valueOf(rows.get(0).get("Message")).contains("refused a listed site"), rows.get(0).toString());
  }

  @Test
  void aResourceGraphRowWhoseIdCannotBeParsedIsAFailedDecisionNotRead() {
    String subscription = "00000000-0000-0000-0000-0000000bad1e";
    String unparsable = "/subscriptions/" + subscription + "/resourceGroups/rg/providers/Microsoft.Web/sites/a?b";
    arm().inject(Fault.on("POST", "^/providers/Microsoft.ResourceGraph/resources$").times(1)
        .answer("{\"data\":[{\"id\":\"" + unparsable + "\",\"subscriptionId\":\"" + subscription + "\"}]}"));
    int before = LocalAzure.botRequests().size();

    List<Decision> decisions = sweep(subscription);

    assertEquals(1, decisions.size(), decisions.toString());
    assertEquals(Outcome.FAILED, decisions.get(0).outcome());
    assertTrue(decisions.get(0).reason().contains("query or fragment"), decisions.get(0).reason());
    assertEquals(1, LocalAzure.botRequests().size() - before, "the query only: the row is never read");
  }
}
