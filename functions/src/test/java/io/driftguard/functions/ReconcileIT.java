package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Reconcile timer as the host calls it: drift that no event announced is found and fixed. */
class ReconcileIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c0c0a";

  @Test
  void fixesDriftNoEventAnnounced() {
    Sandbox sandbox = TestHost.sandbox();
    List<SiteHandle> drifted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      drifted.add(sandbox.arm().seedSite(SUBSCRIPTION, "rg-legacy", "func-legacy-" + i, "functionapp", Map.of(), i % 2 == 0,
          Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0", "remoteDebuggingEnabled", false)));
    }
    SiteHandle slot = sandbox.arm().seedSlot(SUBSCRIPTION, "rg-legacy", "func-legacy-0", "staging", true,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.1", "remoteDebuggingEnabled", true));
    sandbox.arm().seedSite(SUBSCRIPTION, "rg-legacy", "web-legacy", "app", Map.of(), false, Map.of("ftpsState", "AllAllowed"));
    Settings settings = TestHost.settings(sandbox, Map.of("DRIFTGUARD_MODE", "autofix", "DRIFTGUARD_SUBSCRIPTIONS", SUBSCRIPTION));
    Driftguard.Parts parts = TestHost.engine(sandbox, settings);
    TestHost.CapturingContext context = new TestHost.CapturingContext("Reconcile");

    new Reconcile(() -> settings, parts::sweeper).run("{}", context);
    List<String> logged = context.messages();

    for (SiteHandle app : drifted) {
      Map<?, ?> config = (Map<?, ?>) sandbox.arm().webConfig(app.id()).get("properties");
      assertEquals("Disabled", config.get("ftpsState"), app.site());
      assertEquals("1.2", config.get("minTlsVersion"), app.site());
      assertEquals(true, ((Map<?, ?>) sandbox.arm().site(app.id()).get("properties")).get("httpsOnly"), app.site());
    }
    Map<?, ?> slotConfig = (Map<?, ?>) sandbox.arm().webConfig(slot.id()).get("properties");
    assertEquals(false, slotConfig.get("remoteDebuggingEnabled"));
    assertEquals("1.2", slotConfig.get("minTlsVersion"));
    assertEquals("AllAllowed", ((Map<?, ?>) sandbox.arm().webConfig(
        "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-legacy/providers/Microsoft.Web/sites/web-legacy")
        .get("properties")).get("ftpsState"), "a plain web app is not driftguard's business");
    String summary = logged.get(logged.size() - 1);
    assertTrue(summary.contains(" finished: 8 apps and slots"), summary);
    assertEquals(8, logged.size() - 1, "one decision line per app or slot with findings");
  }
}
