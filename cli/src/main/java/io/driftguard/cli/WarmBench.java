package io.driftguard.cli;

import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.io.PrintStream;
import io.driftguard.cli.bench.FloorProgram;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench warm}: events through one warm engine, one at a time, with a fixed latency on every ARM request. What
 * an event takes beyond that latency times its ARM requests (all on its critical path, one after another) is what
 * driftguard adds: its own code, the SDK pipeline, TLS, JSON, and the sandbox's answer on loopback (so the figure errs
 * high). Allocations are the calling thread's, which runs driftguard and the SDK's synchronous pipeline.
 */
final class WarmBench {

  static final double TARGET_P50_MS = 3;
  static final double TARGET_P99_MS = 15;
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a4e1";
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin",
      "11111111-1111-1111-1111-111111111111", "203.0.113.7");

  private WarmBench() {}

  static int run(Sandbox sandbox, Optional<Azurite> azurite, int events, Duration latency, PrintStream out)
      throws Exception {
    FakeArm arm = sandbox.arm();
    int warmUp = Math.max(200, events / 5);
    List<SiteHandle> apps = new ArrayList<>();
    List<SiteHandle> floorApps = new ArrayList<>();
    for (int i = 0; i < warmUp + events; i++) {
      apps.add(driftedApp(arm, "func-warm-" + i));
      floorApps.add(driftedApp(arm, "func-floor-" + i));
    }
    List<String> deliveries = arm.drainEmittedEvents().stream().filter(event -> event.contains("func-warm-")).toList();
    // Buckets large enough never to pace these events: their waits are pacing, measured by bench burst, not overhead.
    String unpaced = String.valueOf(10 * (warmUp + events));
    Map<String, String> settings = new HashMap<>(Map.of(Settings.MODE, "autofix", Settings.SUBSCRIPTIONS, SUBSCRIPTION,
        Settings.SELF_OBJECT_ID, sandbox.botObjectId(), Settings.ARM_READ_BURST, unpaced,
        Settings.ARM_WRITE_BURST, unpaced));
    azurite.ifPresent(tables -> {
      settings.put(Settings.STORAGE_CONNECTION, tables.connectionString());
      settings.put(Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString());
      settings.put(Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId());
      settings.put(Settings.ALERT_STREAM, sandbox.logs().streamName());
    });
    Remediator engine = LocalAzureRun.builder(sandbox, LocalAzureRun.settings(sandbox, settings)).build();
    FloorProgram floor = new FloorProgram(HttpClient.newBuilder().sslContext(sandbox.sslContext()).build(),
        sandbox.armEndpoint(), sandbox.identityEndpoint(), sandbox.identityHeader());
    arm.latency(latency);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    double latencyMs = latency.toMillis();
    double[] overheadMs = new double[events];
    double[] floorPerRequestMs = new double[events];
    double[] beyondFloorMs = new double[events];
    long requests = 0;
    long allocated = 0;
    for (int i = 0; i < warmUp + events; i++) {
      int before = arm.requests().size();
      long bytesBefore = threads.getThreadAllocatedBytes(self);
      long start = System.nanoTime();
      Decision decision = handle(engine, deliveries.get(i));
      double wallMs = (System.nanoTime() - start) / 1e6;
      long bytes = threads.getThreadAllocatedBytes(self) - bytesBefore;
      int made = arm.requests().size() - before;
      if (decision.outcome() != Outcome.FIXED) {
        throw new IllegalStateException("event " + i + " was not fixed: " + decision.outcome() + " " + decision.reason());
      }
      long floorStart = System.nanoTime();
      if (!floor.fix(floorApps.get(i).id())) {
        throw new IllegalStateException("the floor program could not fix " + floorApps.get(i).id());
      }
      double floorResidualMs = ((System.nanoTime() - floorStart) / 1e6 - 2 * latencyMs) / 2;
      if (i >= warmUp) {
        int measured = i - warmUp;
        overheadMs[measured] = wallMs - made * latencyMs;
        floorPerRequestMs[measured] = floorResidualMs;
        beyondFloorMs[measured] = overheadMs[measured] - made * floorResidualMs;
        requests += made;
        allocated += bytes;
      }
    }
    Arrays.sort(overheadMs);
    Arrays.sort(floorPerRequestMs);
    Arrays.sort(beyondFloorMs);
    double p50 = percentile(overheadMs, 50);
    double p99 = percentile(overheadMs, 99);
    out.printf("warm: %d drifted events (after %d to warm up) through one engine, one at a time, auto-fix, %s; "
        + "%d ms latency on every ARM request%n", events, warmUp,
        azurite.isPresent() ? "Table storage on Azurite, alerts on" : "no Table storage, no alerts", latency.toMillis());
    out.printf("  ARM requests per event: %.1f; load average: %s%n", (double) requests / events, StartBench.loadAverage());
    out.printf("  overhead (wall time minus the latency of its ARM requests): p50 %.2f ms (target <= %.0f: %s), "
        + "p99 %.2f ms (target <= %.0f: %s), max %.2f ms%n", p50, TARGET_P50_MS, verdict(p50, TARGET_P50_MS), p99,
        TARGET_P99_MS, verdict(p99, TARGET_P99_MS), overheadMs[events - 1]);
    out.printf("  the floor program beside it (plain JDK client, same sandbox, GET + PATCH): per ARM request beyond "
        + "the latency p50 %.2f ms, p99 %.2f ms%n", percentile(floorPerRequestMs, 50), percentile(floorPerRequestMs, 99));
    out.printf("  overhead beyond the floor's cost per request (event by event): p50 %.2f ms, p99 %.2f ms%n",
        percentile(beyondFloorMs, 50), percentile(beyondFloorMs, 99));
    out.printf("  allocated per event on the handling thread: %.0f KB%n", allocated / 1024.0 / events);
    return ExitCode.OK;
  }

  /** A new function app whose minimum TLS version someone then lowers; its event stays in the sandbox's outbox. */
  private static SiteHandle driftedApp(FakeArm arm, String name) {
    SiteHandle app = arm.seedSite(SUBSCRIPTION, "rg-warm", name, "functionapp", Map.of(), true,
        Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    arm.write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
    return app;
  }

  private static Decision handle(Remediator engine, String delivery) {
    try {
      return engine.handleDelivery(delivery).get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String verdict(double value, double target) {
    return value <= target ? "met" : String.format("missed by %.2f ms", value - target);
  }

  /** Nearest rank. */
  static double percentile(double[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
