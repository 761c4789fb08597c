package io.driftguard.it;

import static io.driftguard.it.LocalAzure.arm;
import static io.driftguard.it.LocalAzure.botRequests;
import static io.driftguard.it.LocalAzure.requestsFor;
import static io.driftguard.it.LocalAzure.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.config.Driftguard;
import io.driftguard.engine.Arrival;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.resource.ResourceIds;
import io.driftguard.sandbox.Fault;
import io.driftguard.sandbox.ForeignHost;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whoever can write driftguard's Table storage, or forge an ARM answer, must not be able to send its token elsewhere
 * or steer it outside the subscriptions it was given.
 */
class TrustBoundaryIT {

  private static final String SWEPT = "00000000-0000-0000-0000-00000000f1e1";
  private static final String FOREIGN = "00000000-0000-0000-0000-00000000bad0";
  private static final Map<String, Object> DRIFTED =
      Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", true);

  @AfterEach
  void clearFaults() {
    arm().clearFaults();
  }

  private static Driftguard.Parts driftguard() {
    Map<String, String> settings = new HashMap<>(LocalAzure.recordingSettings());
    settings.put("DRIFTGUARD_MODE", "autofix");
    settings.put("DRIFTGUARD_SUBSCRIPTIONS", SWEPT);
    settings.put("DRIFTGUARD_SWEEP_SOURCE", "arm"); // the hostile listings are ARM's
    return LocalAzure.parts(settings, Clock.systemUTC());
  }

  private static SweepSummary sweep(SweepRequest request, List<Decision> decisions) {
    return driftguard().sweeper().run(request, LocalAzure.collectingInto(decisions));
  }

  private static JsonNode listed(SiteHandle site) {
    return new ObjectMapper().valueToTree(arm().site(site.id()));
  }

  @Test
  void aCheckpointPointingAtAnotherHostSendsNoTokenAndTheSweepSaysSo() {
    SiteHandle app = arm().seedSite(SWEPT, "rg-trust", uniqueName("func-checkpointed"), "functionapp", Map.of(), true,
        LocalAzure.compliantConfig());
    String name = uniqueName("hostile-checkpoint");
    try (ForeignHost attacker = LocalAzure.sandbox().startForeignHost()) {
      TableServiceClient tables = new TableServiceClientBuilder()
          .connectionString(LocalAzure.azurite().connectionString()).buildClient();
      tables.createTableIfNotExists("DriftguardSweeps");
      tables.getTableClient("DriftguardSweeps").upsertEntity(new TableEntity("sweeps", name)
          .addProperty("RunId", "20260101T000000-abcd")
          .addProperty("Subscription", SWEPT)
          .addProperty("Page", attacker.endpoint() + "steal?api-version=2025-03-01")
          .addProperty("DoneInPage", 0));
      List<Decision> decisions = new CopyOnWriteArrayList<>();

      SweepSummary summary = sweep(SweepRequest.resumable(name, List.of(SWEPT), true, Duration.ofMinutes(1)), decisions);

      assertEquals(List.of(), attacker.visits().stream().filter(ForeignHost.Visit::carriedAuthorization).toList(),
          "no request with a token reached the other host");
      assertTrue(summary.problems().stream().anyMatch(problem -> problem.contains("checkpoint")), summary.toString());
      assertTrue(decisions.stream().anyMatch(decision -> decision.resource().equals(app.id())),
          "the sweep started over from the first page instead: " + decisions);
    }
  }

  @Test
  void aNextLinkToAnotherHostIsRefusedBeforeTheTokenIsAttached() {
    SiteHandle app = arm().seedSite(SWEPT, "rg-trust", uniqueName("func-forged-slots"), "functionapp", Map.of(), true,
        LocalAzure.compliantConfig());
    try (ForeignHost attacker = LocalAzure.sandbox().startForeignHost()) {
      arm().inject(Fault.on("GET", app.site() + "/slots$").times(Fault.ALWAYS)
          .answer("{\"value\":[],\"nextLink\":\"" + attacker.endpoint() + "steal?api-version=2025-03-01\"}"));
      List<Decision> decisions = new CopyOnWriteArrayList<>();

      SweepSummary summary = sweep(SweepRequest.oneOff(List.of(SWEPT), true, Duration.ofMinutes(1)), decisions);

      assertEquals(List.of(), attacker.visits(), "nothing was sent to the other host");
      String authority = attacker.endpoint().getAuthority();
      assertTrue(summary.problems().stream().anyMatch(problem -> problem.contains(authority)), summary.toString());
      assertTrue(summary.problems().stream().noneMatch(problem -> problem.toLowerCase().contains("bearer")));
    }
  }

  /**
   * {@code https://OTHER\\@ARM/...}: java.net.URL reads {@code OTHER\\} as user info and ARM as the host; OkHttp reads
   * the backslash as a slash and connects to OTHER. Every list judges the link as OkHttp will send it.
   */
  @Test
  void aNextLinkWhoseHostOnlyOneParserSeesIsRefusedOnEveryList() {
    SiteHandle app = arm().seedSite(SWEPT, "rg-trust", uniqueName("func-backslash"), "functionapp", Map.of(), true,
        LocalAzure.compliantConfig());
    try (ForeignHost attacker = LocalAzure.sandbox().startForeignHost()) {
      String authority = attacker.endpoint().getAuthority();
      String hostile = "https://" + authority + "\\\\@" + LocalAzure.sandbox().armEndpoint().getAuthority();
      for (String list : List.of(app.site() + "/slots$", "^/subscriptions/" + SWEPT + "/providers/Microsoft.Web/sites$")) {
        arm().clearFaults();
        arm().inject(Fault.on("GET", list).times(Fault.ALWAYS).answer("{\"value\":[],\"nextLink\":\"" + hostile
            + "/subscriptions/" + SWEPT + "/providers/Microsoft.Web/sites?api-version=2025-03-01&$skipToken=x\"}"));

        SweepSummary summary = sweep(SweepRequest.oneOff(List.of(SWEPT), true, Duration.ofMinutes(1)),
            new CopyOnWriteArrayList<>());

        assertEquals(List.of(), attacker.visits(), list + ": nothing was sent to the other host");
        assertTrue(summary.problems().stream().anyMatch(problem -> problem.contains(authority)), summary.toString());
      }
    }
  }

  @Test
  void aListingThatNamesAnAppOfAnotherSubscriptionIsRefusedNotPatched() {
    SiteHandle foreign = arm().seedSite(FOREIGN, "rg-victim", uniqueName("func-victim"), "functionapp", Map.of(), false,
        DRIFTED);
    arm().inject(Fault.on("GET", "^/subscriptions/" + SWEPT + "/providers/Microsoft.Web/sites$").times(Fault.ALWAYS)
        .answer("{\"value\":[" + listed(foreign) + "]}"));
    List<Decision> decisions = new CopyOnWriteArrayList<>();

    sweep(SweepRequest.oneOff(List.of(SWEPT), false, Duration.ofMinutes(1)), decisions);

    assertEquals(List.of(), requestsFor(foreign), "driftguard neither read nor wrote the other subscription's app");
    assertEquals(1, decisions.size(), decisions.toString());
    assertEquals(Outcome.FAILED, decisions.get(0).outcome());
    assertTrue(decisions.get(0).reason().contains(SWEPT), decisions.get(0).reason());
    assertFalse(decisions.get(0).retryable());
  }

  @Test
  void aReconcileOutsideTheConfiguredSubscriptionsIsRefusedByTheScopeGuard() throws Exception {
    SiteHandle foreign = arm().seedSite(FOREIGN, "rg-victim", uniqueName("func-out-of-scope"), "functionapp", Map.of(),
        false, DRIFTED);
    int before = botRequests().size();

    Decision decision = driftguard().engine().handle(Arrival.listed(ResourceIds.parse(foreign.id()).site(),
        listed(foreign), "run-1", false));

    assertEquals(Outcome.SKIPPED, decision.outcome(), decision.reason());
    assertTrue(decision.reason().contains("DRIFTGUARD_SUBSCRIPTIONS"), decision.reason());
    assertEquals(before, botRequests().size(), "no ARM call at all");
  }
}
