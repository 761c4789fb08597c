package io.driftguard.cli;

import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.io.PrintStream;
import io.driftguard.cli.bench.FloorProgram;
import io.driftguard.cli.bench.SocketProbe;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench warm}: events through one warm engine, one at a time, with a fixed latency on every ARM request. The
 * engine reads documents in parallel, so an event's ARM latency is that of its critical path, taken from the sandbox's
 * request log: requests arrive in waves (a request cannot depend on an answer not yet sent, so one arriving less than
 * the latency after a wave began belongs to it), and each wave waits for its slowest answer. Two overheads are printed:
 * wall time minus the latency of each wave, and wall time minus what the sandbox itself held the request each wave
 * waited for (latency, its own handling), which leaves what driftguard, the SDK pipeline and the client add.
 * Allocations and CPU time are those of every thread but the sandbox's during the event.
 */
final class WarmBench {

  static final double TARGET_P50_MS = 3;
  static final double TARGET_P99_MS = 15;
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000a4e1";
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin",
      "11111111-1111-1111-1111-111111111111", "203.0.113.7");

  private WarmBench() {}

  static int run(Sandbox sandbox, Optional<Azurite> azurite, int events, Duration latency, boolean seen,
                 PrintStream out) throws Exception {
    FakeArm arm = sandbox.arm();
    int warmUp = Math.max(200, events / 5);
    List<SiteHandle> apps = new ArrayList<>();
    List<SiteHandle> floorApps = new ArrayList<>();
    for (int i = 0; i < warmUp + events; i++) {
      apps.add(compliantApp(arm, "func-warm-" + i));
      floorApps.add(arm.seedSite(SUBSCRIPTION, "rg-warm", "func-floor-" + i, "functionapp", Map.of(), true,
          Map.of("minTlsVersion", "1.0")));
    }
    // Buckets that never pace these events: their waits are pacing, measured by bench burst, not overhead. The refill
    // rates matter too: the sandbox's remaining-reads header (249, as from a full ARM bucket) pulls a bucket down to
    // 249 on every answer, and at ARM's 25 reads a second these events would empty it within seconds.
    String unpaced = String.valueOf(10 * (warmUp + events));
    Map<String, String> settings = new HashMap<>(Map.of(Settings.MODE, "autofix", Settings.SUBSCRIPTIONS, SUBSCRIPTION,
        Settings.SELF_OBJECT_ID, sandbox.botObjectId(), Settings.ARM_READ_BURST, unpaced,
        Settings.ARM_WRITE_BURST, unpaced, Settings.ARM_READS_PER_SECOND, unpaced,
        Settings.ARM_WRITES_PER_SECOND, unpaced));
    azurite.ifPresent(tables -> {
      settings.put(Settings.STORAGE_CONNECTION, tables.connectionString());
      settings.put(Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString());
      settings.put(Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId());
      settings.put(Settings.ALERT_STREAM, sandbox.logs().streamName());
    });
    Remediator engine = LocalAzureRun.builder(sandbox, LocalAzureRun.settings(sandbox, settings)).build();
    if (seen) {
      apps.forEach(app -> arm.write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.2\"}}"));
      for (String compliantWrite : arm.drainEmittedEvents()) {
        Decision decision = handle(engine, compliantWrite);
        if (decision.outcome() != Outcome.COMPLIANT) {
          throw new IllegalStateException("a compliant write was judged " + decision.outcome() + ": " + decision.reason());
        }
      }
    }
    apps.forEach(app -> arm.write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"));
    List<String> deliveries = arm.drainEmittedEvents();
    FloorProgram floor = new FloorProgram(HttpClient.newBuilder().sslContext(sandbox.sslContext()).build(),
        sandbox.armEndpoint(), sandbox.identityEndpoint(), sandbox.identityHeader());
    SocketProbe probe = new SocketProbe(sandbox.sslContext(), sandbox.armEndpoint(), floor.authorization());
    arm.latency(latency);
    ThreadUsage usage = new ThreadUsage();
    double latencyMs = latency.toMillis();
    double[] beyondLatencyMs = new double[events];
    double[] beyondSandboxMs = new double[events];
    double[] floorPerRequestMs = new double[events];
    double[] floorBeyondSandboxMs = new double[events];
    double[] beyondFloorMs = new double[events];
    double[] probeBeyondSandboxMs = new double[events];
    double[] beyondTransportMs = new double[events];
    Gaps outsideArm = new Gaps();
    long requests = 0;
    long waves = 0;
    long allocated = 0;
    long cpuNanos = 0;
    long floorCpuNanos = 0;
    long floorAllocated = 0;
    for (int i = 0; i < warmUp + events; i++) {
      int before = arm.requests().size();
      usage.sample();
      long bytesBefore = usage.bytes;
      long cpuBefore = usage.cpuNanos;
      Instant began = Instant.now();
      long start = System.nanoTime();
      Decision decision = handle(engine, deliveries.get(i));
      double wallMs = (System.nanoTime() - start) / 1e6;
      Instant ended = Instant.now();
      usage.sample();
      long bytes = usage.bytes - bytesBefore;
      long cpu = usage.cpuNanos - cpuBefore;
      List<RecordedRequest> log = arm.requests();
      List<RecordedRequest> made = log.subList(before, log.size());
      if (decision.outcome() != Outcome.FIXED || decision.findings().size() != 1) {
        throw new IllegalStateException("event " + i + " was not one fix: " + decision.outcome() + ", "
            + decision.findings().size() + " findings, " + decision.reason());
      }
      long floorCpuBefore = usage.cpuNanos;
      long floorBytesBefore = usage.bytes;
      long floorStart = System.nanoTime();
      if (!floor.fix(floorApps.get(i).id())) {
        throw new IllegalStateException("the floor program could not fix " + floorApps.get(i).id());
      }
      double floorWallMs = (System.nanoTime() - floorStart) / 1e6;
      usage.sample();
      List<RecordedRequest> floorLog = arm.requests();
      double floorHeldMs = floorLog.subList(before + made.size(), floorLog.size()).stream()
          .mapToDouble(request -> heldMs(List.of(request))).sum();
      int probed = floorLog.size();
      long probeStart = System.nanoTime();
      if (probe.get(floorApps.get(i).id() + "?api-version=2025-03-01") != 200) {
        throw new IllegalStateException("the socket probe could not read " + floorApps.get(i).id());
      }
      double probeWallMs = (System.nanoTime() - probeStart) / 1e6;
      double probeHeldMs = heldMs(arm.requests().subList(probed, probed + 1));
      if (i >= warmUp) {
        int measured = i - warmUp;
        List<List<RecordedRequest>> criticalPath = waves(made, latency);
        beyondLatencyMs[measured] = wallMs - criticalPath.size() * latencyMs;
        beyondSandboxMs[measured] = wallMs - criticalPath.stream().mapToDouble(WarmBench::heldMs).sum();
        outsideArm.add(began, criticalPath, ended);
        floorPerRequestMs[measured] = (floorWallMs - 2 * latencyMs) / 2;
        floorBeyondSandboxMs[measured] = (floorWallMs - floorHeldMs) / 2;
        beyondFloorMs[measured] = beyondSandboxMs[measured] - criticalPath.size() * floorBeyondSandboxMs[measured];
        probeBeyondSandboxMs[measured] = probeWallMs - probeHeldMs;
        beyondTransportMs[measured] = beyondSandboxMs[measured] - criticalPath.size() * probeBeyondSandboxMs[measured];
        requests += made.size();
        waves += criticalPath.size();
        allocated += bytes;
        cpuNanos += cpu;
        floorCpuNanos += usage.cpuNanos - floorCpuBefore;
        floorAllocated += usage.bytes - floorBytesBefore;
      }
    }
    probe.close();
    Arrays.sort(beyondLatencyMs);
    Arrays.sort(beyondSandboxMs);
    Arrays.sort(floorPerRequestMs);
    Arrays.sort(floorBeyondSandboxMs);
    Arrays.sort(beyondFloorMs);
    Arrays.sort(probeBeyondSandboxMs);
    Arrays.sort(beyondTransportMs);
    out.printf("warm: %d drifted events (after %d to warm up) through one engine, one at a time, auto-fix, %s; "
        + "%d ms latency on every ARM request; each app compliant with the default catalog but one control, %s%n",
        events, warmUp, azurite.isPresent() ? "Table storage on Azurite, alerts on" : "no Table storage, no alerts",
        latency.toMillis(), seen ? "seen by the engine in one compliant write event before (--seen)"
            : "new to the engine");
    out.printf("  JVM: %s %s%n", Runtime.version(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    out.printf("  ARM requests per event: %.2f in %.2f waves (the critical path); load average: %s%n",
        (double) requests / events, (double) waves / events, StartBench.loadAverage());
    out.printf("  overhead A = wall time - latency x waves (sandbox, loopback TLS, client, SDK, driftguard): "
        + "p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", percentile(beyondLatencyMs, 50), percentile(beyondLatencyMs, 99),
        beyondLatencyMs[events - 1]);
    double p50 = percentile(beyondSandboxMs, 50);
    double p99 = percentile(beyondSandboxMs, 99);
    out.printf("  overhead B = wall time - what the sandbox held each wave's last-answered request (client, SDK "
        + "pipeline, driftguard): p50 %.2f ms (target <= %.0f: %s), p99 %.2f ms (target <= %.0f: %s), max %.2f ms%n",
        p50, TARGET_P50_MS, verdict(p50, TARGET_P50_MS), p99, TARGET_P99_MS, verdict(p99, TARGET_P99_MS),
        beyondSandboxMs[events - 1]);
    out.printf("  the floor program beside it (plain JDK client, same sandbox, GET + PATCH one after the other), per ARM "
        + "request: beyond the latency p50 %.2f ms, p99 %.2f ms; beyond what the sandbox held it p50 %.2f ms, "
        + "p99 %.2f ms%n", percentile(floorPerRequestMs, 50), percentile(floorPerRequestMs, 99),
        percentile(floorBeyondSandboxMs, 50), percentile(floorBeyondSandboxMs, 99));
    out.printf("  overhead B beyond the floor's per-request cost x waves, event by event (what driftguard and the SDK add "
        + "to a plain JDK client): p50 %.2f ms, p99 %.2f ms%n", percentile(beyondFloorMs, 50),
        percentile(beyondFloorMs, 99));
    out.printf("  the socket probe beside it (one kept-open TLS socket, request written and answer read on the calling "
        + "thread, no HTTP library), per ARM request beyond what the sandbox held it: p50 %.2f ms, p99 %.2f ms: the "
        + "sandbox's own transport (its HTTP server, loopback), which ARM's front door stands for when deployed%n",
        percentile(probeBeyondSandboxMs, 50), percentile(probeBeyondSandboxMs, 99));
    double transportP50 = percentile(beyondTransportMs, 50);
    double transportP99 = percentile(beyondTransportMs, 99);
    out.printf("  overhead C = overhead B - the probe's per-request cost x waves, event by event (driftguard, the SDK and "
        + "the HTTP client it chose, with the sandbox's transport counted as latency): p50 %.2f ms (target <= %.0f: %s), "
        + "p99 %.2f ms (target <= %.0f: %s)%n", transportP50, TARGET_P50_MS, verdict(transportP50, TARGET_P50_MS),
        transportP99, TARGET_P99_MS, verdict(transportP99, TARGET_P99_MS));
    out.printf("  per event, every thread but the sandbox's: %.0f KB allocated, %.2f ms CPU%n",
        allocated / 1024.0 / events, cpuNanos / 1e6 / events);
    out.printf("  the floor program, per ARM request: %.0f KB allocated, %.2f ms CPU%n",
        floorAllocated / 1024.0 / events / 2, floorCpuNanos / 1e6 / events / 2);
    out.println("  where overhead B goes, from the request log (p50 / p99 ms):");
    outsideArm.print(out);
    return ExitCode.OK;
  }

  /**
   * An event's requests in the order received, grouped in waves: a request received less than {@code latency} after
   * its wave's first cannot have waited for any answer of that wave, so it was sent alongside.
   */
  static List<List<RecordedRequest>> waves(List<RecordedRequest> requests, Duration latency) {
    List<RecordedRequest> received = requests.stream().sorted(Comparator.comparing(RecordedRequest::at)).toList();
    List<List<RecordedRequest>> waves = new ArrayList<>();
    for (RecordedRequest request : received) {
      List<RecordedRequest> current = waves.isEmpty() ? null : waves.get(waves.size() - 1);
      if (current != null && request.at().isBefore(current.get(0).at().plus(latency))) {
        current.add(request);
      } else {
        waves.add(new ArrayList<>(List.of(request)));
      }
    }
    return waves;
  }

  /** What the sandbox held the request its wave waited for: the one answered last. */
  static double heldMs(List<RecordedRequest> wave) {
    RecordedRequest last = lastAnswered(wave);
    return Duration.between(last.at(), last.answered()).toNanos() / 1e6;
  }

  /**
   * Overhead B cut where the request log can cut it: before the first request, between a wave's last answer and the
   * next wave, sending a wave's requests (its first to the one answered last), after the last answer. Per part, its
   * figures over the events, in event order.
   */
  private static final class Gaps {
    private final Map<String, List<Double>> parts = new LinkedHashMap<>();

    void add(Instant began, List<List<RecordedRequest>> waves, Instant ended) {
      part("event start to the first request", began, waves.get(0).get(0).at());
      for (int w = 0; w < waves.size(); w++) {
        RecordedRequest last = lastAnswered(waves.get(w));
        if (waves.get(w).size() > 1) {
          part("wave " + (w + 1) + ": its first request to the one answered last", waves.get(w).get(0).at(), last.at());
        }
        part(w + 1 < waves.size() ? "wave " + (w + 1) + "'s last answer to wave " + (w + 2) : "the last answer to the "
            + "decision", last.answered(), w + 1 < waves.size() ? waves.get(w + 1).get(0).at() : ended);
      }
    }

    private void part(String name, Instant from, Instant to) {
      parts.computeIfAbsent(name, key -> new ArrayList<>()).add(Duration.between(from, to).toNanos() / 1e6);
    }

    void print(PrintStream out) {
      parts.forEach((name, values) -> {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        // A part only some events have (a fourth wave, when an answer came late) says in how many.
        out.printf("    %-60s %6.2f / %6.2f  (%d events)%n", name, percentile(sorted, 50), percentile(sorted, 99),
            sorted.length);
      });
    }
  }

  private static RecordedRequest lastAnswered(List<RecordedRequest> wave) {
    return wave.stream().max(Comparator.comparing(RecordedRequest::answered)).orElseThrow();
  }

  /** Bytes allocated and CPU time spent so far by every live thread but the sandbox's (it answers ARM in this JVM). */
  private static final class ThreadUsage {
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Boolean> sandboxThreads = new HashMap<>();
    private long bytes;
    private long cpuNanos;

    /** Takes the current totals. */
    ThreadUsage sample() {
      long[] ids = threads.getAllThreadIds();
      long[] allocated = threads.getThreadAllocatedBytes(ids);
      bytes = 0;
      cpuNanos = 0;
      for (int i = 0; i < ids.length; i++) {
        if (allocated[i] > 0 && !sandboxThreads.computeIfAbsent(ids[i], this::isSandbox)) {
          bytes += allocated[i];
          cpuNanos += Math.max(0, threads.getThreadCpuTime(ids[i]));
        }
      }
      return this;
    }

    private boolean isSandbox(long id) {
      ThreadInfo info = threads.getThreadInfo(id);
      return info != null && info.getThreadName().startsWith("driftguard-sandbox-");
    }
  }

  /** A function app compliant with every default control; someone then lowers its minimum TLS version. */
  private static SiteHandle compliantApp(FakeArm arm, String name) {
    return CatalogSeeds.secureBeyondSiteAndConfig(arm,
        arm.seedSite(SUBSCRIPTION, "rg-warm", name, "functionapp", Map.of(), true, CatalogSeeds.SECURE_CONFIG));
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
