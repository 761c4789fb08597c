package io.driftguard.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.queue.QueueClient;
import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Reconcile timer as the host calls it: drift that no event announced is found and fixed, in the timer's instance
 * or fanned out over the sweep queue to the queue-triggered functions.
 */
class ReconcileIT {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000c0c0a";
  private static final String FANNED_OUT = "00000000-0000-0000-0000-0000000fc0c1";

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

    new Reconcile(() -> settings, parts::sweeper, parts::queuedSweeps).run("{}", context);
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

  @Test
  void withTheStorageQueueTheTimerQueuesOneSweepPerSubscriptionThatTheQueueFunctionRuns() {
    Sandbox sandbox = TestHost.sandbox();
    List<String> subscriptions = List.of(FANNED_OUT, FANNED_OUT.replace("c0c1", "c0c2"));
    List<SiteHandle> drifted = new ArrayList<>();
    for (String subscription : subscriptions) {
      for (int i = 0; i < 4; i++) {
        drifted.add(sandbox.arm().seedSite(subscription, "rg-fan", "func-fan-" + i, "functionapp", Map.of(), true,
            Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false)));
      }
    }
    Settings settings = TestHost.settings(sandbox, Map.of("DRIFTGUARD_MODE", "autofix",
        "DRIFTGUARD_SUBSCRIPTIONS", String.join(",", subscriptions),
        "AzureWebJobsStorage", TestHost.azurite().connectionString()));
    Driftguard.Parts parts = TestHost.engine(sandbox, settings);
    QueueClient queue = TestHost.emptySweepQueue();
    TestHost.CapturingContext timer = new TestHost.CapturingContext("Reconcile");

    new Reconcile(() -> settings, parts::sweeper, parts::queuedSweeps).run("{}", timer);

    assertEquals(1, timer.messages().size(), timer.messages().toString());
    assertTrue(timer.messages().get(0).matches("driftguard reconcile invocation-1 queued 2 subscription sweeps on "
        + "driftguard-sweeps and deleted \\d+ expired claims"), timer.messages().get(0));
    assertTrue(drifted.stream().allMatch(app -> "AllAllowed".equals(
        ((Map<?, ?>) sandbox.arm().webConfig(app.id()).get("properties")).get("ftpsState"))), "the timer only queues");
    List<String> messages = queue.receiveMessages(10).stream().map(item -> item.getBody().toString()).toList();
    assertEquals(2, messages.size(), messages.toString());
    TestHost.CapturingContext worker = new TestHost.CapturingContext("SweepSubscription");
    for (String message : messages) {
      new SweepSubscription(parts::queuedSweeps).run(message, worker);
    }
    for (SiteHandle app : drifted) {
      assertEquals("Disabled", ((Map<?, ?>) sandbox.arm().webConfig(app.id()).get("properties")).get("ftpsState"),
          app.id());
    }
    assertEquals(2, worker.messages().stream()
        .filter(line -> line.startsWith("driftguard swept subscription") && line.contains(" finished: 4 apps and slots"))
        .count(), worker.messages().toString());

    new SweepSubscription(parts::queuedSweeps).run("{\"subscription\":\"" + FANNED_OUT + "\"}", worker);
    assertEquals("driftguard refused a sweep message: field 'run' must be a string",
        worker.messages().get(worker.messages().size() - 1));
    TestHost.CapturingContext poison = new TestHost.CapturingContext("SweepAbandoned");
    new SweepAbandoned(parts::queuedSweeps).run(messages.get(0), "poison-1", poison);
    assertTrue(poison.messages().get(0).startsWith("driftguard sweep abandoned (message poison-1) for subscription "),
        poison.messages().toString());
  }
}
