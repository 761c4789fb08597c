package io.driftguard.cli;

import io.driftguard.cli.bench.FloorProgram;
import io.driftguard.config.Settings;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench start}: cold processes of {@code handle}, one drifted event each, interleaved with cold processes of
 * {@link FloorProgram}, both against one sandbox (and Azurite), configured as in Azure. Medians, their ratio, and one
 * traced run's phases, from its {@code driftguard-trace} lines and the sandbox's request logs.
 */
final class StartBench {

  static final double TARGET_RATIO = 2.0;
  /** The JVM options the Functions Java worker starts with; the launcher reads the same file. */
  static final List<String> WORKER_OPTIONS = workerOptions();
  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000057a2";
  private static final Caller ALICE = Caller.user("alice@contoso.com", "Alice Admin",
      "11111111-1111-1111-1111-111111111111", "203.0.113.7");

  private final Sandbox sandbox;
  private final Optional<Azurite> azurite;
  private final String java;
  private final List<String> handleOptions;
  private final Path temp;
  private int apps;

  StartBench(Sandbox sandbox, Optional<Azurite> azurite, String java, List<String> handleOptions) throws IOException {
    this.sandbox = sandbox;
    this.azurite = azurite;
    this.java = java;
    this.handleOptions = handleOptions;
    this.temp = Files.createTempDirectory("driftguard-bench-start");
  }

  int run(int runs, PrintStream out) throws Exception {
    out.printf("start: %d cold runs each of 'handle' (one drifted event, auto-fix, %s) and of the floor program, "
        + "interleaved; java %s; 'handle' with the Functions Java worker's options %s%s%n", runs,
        azurite.isPresent() ? "Table storage on Azurite, alerts on" : "no Table storage", java,
        String.join(" ", WORKER_OPTIONS), handleOptions.isEmpty() ? "" : " and " + String.join(" ", handleOptions));
    out.printf("  load average before: %s%n", loadAverage());
    // One unmeasured run of each: the first reads the jars from disk, which a scale-out instance would not repeat.
    handle(false);
    floor(List.of());
    floor(WORKER_OPTIONS);
    List<Run> productRuns = new ArrayList<>();
    List<Run> bareFloorRuns = new ArrayList<>();
    List<Run> workerFloorRuns = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      // Rotate who goes first, so none always runs right after another's exit.
      for (int turn = 0; turn < 3; turn++) {
        switch ((i + turn) % 3) {
          case 0 -> productRuns.add(handle(false));
          case 1 -> bareFloorRuns.add(floor(List.of()));
          default -> workerFloorRuns.add(floor(WORKER_OPTIONS));
        }
      }
    }
    List<Double> product = productRuns.stream().map(Run::seconds).toList();
    double productMedian = median(product);
    double productCpu = median(productRuns.stream().map(Run::cpuSeconds).toList());
    out.printf("  handle: median %.0f ms, CPU (user + system) %.2f s  (runs %s)%n", productMedian * 1000, productCpu,
        millis(product));
    compare("floor, a bare JVM (the issue's floor)", bareFloorRuns, productRuns, out);
    compare("floor with the same worker options as handle", workerFloorRuns, productRuns, out);
    out.printf("  load average after: %s%n", loadAverage());
    Run traced = handle(true);
    out.printf("  one traced run of handle, %.0f ms:%n", traced.seconds() * 1000);
    traced.phases().forEach((phase, ms) -> out.printf("    %-44s %5d ms%n", phase, ms));
    Files.deleteIfExists(temp);
    return ExitCode.OK;
  }

  private record Run(double seconds, double cpuSeconds, Map<String, Long> phases) {}

  /** One floor's median, and handle's ratio to it: of the medians, paired run by run, and of CPU time. */
  private static void compare(String floorName, List<Run> floorRuns, List<Run> productRuns, PrintStream out) {
    List<Double> floor = floorRuns.stream().map(Run::seconds).toList();
    List<Double> product = productRuns.stream().map(Run::seconds).toList();
    double floorMedian = median(floor);
    double productMedian = median(product);
    double ratio = productMedian / floorMedian;
    // Each run beside its neighbour: the machine's load drifts less within a round than across the whole benchmark.
    List<Double> pairRatios = new ArrayList<>();
    for (int i = 0; i < product.size(); i++) {
      pairRatios.add(product.get(i) / floor.get(i));
    }
    double floorCpu = median(floorRuns.stream().map(Run::cpuSeconds).toList());
    out.printf("  %s: median %.0f ms, CPU %.2f s  (runs %s)%n", floorName, floorMedian * 1000, floorCpu, millis(floor));
    out.printf("    ratio of the medians %.2f; median of the paired ratios %.2f %s; CPU ratio %.2f; target <= %.1f: %s%n",
        ratio, median(pairRatios), pairRatios.stream().map(value -> String.format("%.2f", value)).toList(),
        median(productRuns.stream().map(Run::cpuSeconds).toList()) / floorCpu, TARGET_RATIO,
        ratio <= TARGET_RATIO ? "met" : String.format("missed by %.0f ms", (productMedian - TARGET_RATIO * floorMedian) * 1000));
  }

  private Run handle(boolean traced) throws Exception {
    String event = driftedApp().event();
    Map<String, String> environment = new HashMap<>(Map.of(
        Settings.MODE, "autofix",
        Settings.SUBSCRIPTIONS, SUBSCRIPTION,
        Settings.SELF_OBJECT_ID, sandbox.botObjectId(),
        Settings.ARM_ENDPOINT, sandbox.armEndpoint().toString()));
    azurite.ifPresent(tables -> {
      environment.put(Settings.STORAGE_CONNECTION, tables.connectionString());
      environment.put(Settings.ALERT_ENDPOINT, sandbox.logsIngestionEndpoint().toString());
      environment.put(Settings.ALERT_RULE_ID, sandbox.logs().dcrImmutableId());
      environment.put(Settings.ALERT_STREAM, sandbox.logs().streamName());
    });
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(WORKER_OPTIONS);
    command.addAll(handleOptions);
    if (traced) {
      command.add("-D" + StartupTrace.PROPERTY + "=true");
    }
    command.addAll(List.of(trustStore(), "-Djavax.net.ssl.trustStorePassword=changeit",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "handle"));
    Instant before = Instant.now();
    Timed timed = time(command, environment, event);
    if (timed.exit() != ExitCode.OK) {
      throw new IllegalStateException("handle exited " + timed.exit() + ": " + timed.stderr());
    }
    return new Run(timed.seconds(), timed.cpuSeconds(), traced ? phases(timed.stderr(), before) : Map.of());
  }

  private Run floor(List<String> options) throws Exception {
    String siteId = driftedApp().app().id();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(options);
    command.addAll(List.of(trustStore(), "-Djavax.net.ssl.trustStorePassword=changeit",
        "-cp", System.getProperty("java.class.path"), FloorProgram.class.getName(), siteId));
    Timed timed = time(command, Map.of(Settings.ARM_ENDPOINT, sandbox.armEndpoint().toString()), "");
    if (timed.exit() != 0) {
      throw new IllegalStateException("the floor program exited " + timed.exit() + ": " + timed.stderr());
    }
    return new Run(timed.seconds(), timed.cpuSeconds(), Map.of());
  }

  /** The traced run's phases: its own marks, and when the sandbox saw its token request, first ARM request, PATCH. */
  private Map<String, Long> phases(String stderr, Instant after) {
    Map<String, Long> marks = new HashMap<>();
    stderr.lines().filter(line -> line.startsWith(StartupTrace.PREFIX))
        .map(line -> line.substring(StartupTrace.PREFIX.length()).split(" "))
        .forEach(mark -> marks.put(mark[0], Long.parseLong(mark[1])));
    long token = sandbox.tokenRequests().stream().map(RecordedRequest::at).filter(at -> at.isAfter(after))
        .findFirst().orElseThrow().toEpochMilli();
    List<RecordedRequest> arm = sandbox.arm().requests().stream()
        .filter(request -> request.at().isAfter(after) && sandbox.botObjectId().equals(request.callerObjectId()))
        .toList();
    long firstArm = arm.get(0).at().toEpochMilli();
    long patch = arm.stream().filter(request -> request.method().equals("PATCH")).findFirst().orElseThrow()
        .at().toEpochMilli();
    Map<String, Long> phases = new LinkedHashMap<>();
    phases.put("JVM start to main", marks.get("main") - marks.get("jvm"));
    phases.put("settings and wiring", marks.get("wired") - marks.get("main"));
    phases.put("parse, claim in Table storage, to the first ARM request received", firstArm - marks.get("wired"));
    phases.put("ARM reads and evaluation, to the PATCH", patch - firstArm);
    phases.put("PATCH, record (claim done, audit, alert)", marks.get("handled") - patch);
    phases.put("print decision", marks.get("printed") - marks.get("handled"));
    // Off the critical path: the credential and its first token are fetched on their own thread from the start.
    phases.put("(beside them: main to the token request received)", token - marks.get("main"));
    return phases;
  }

  private record Drifted(SiteHandle app, String event) {}

  /** A new function app, then someone lowers its minimum TLS version: the app and the write's event. */
  private Drifted driftedApp() {
    SiteHandle app = sandbox.arm().seedSite(SUBSCRIPTION, "rg-start", String.format("func-start-%03d", apps++),
        "functionapp", Map.of(), true, Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    sandbox.arm().drainEmittedEvents();
    sandbox.arm().write(ALICE, "PATCH", app.webConfigId(), "{\"properties\":{\"minTlsVersion\":\"1.0\"}}");
    return new Drifted(app, sandbox.arm().drainEmittedEvents().get(0));
  }

  private String trustStore() {
    return "-Djavax.net.ssl.trustStore=" + sandbox.trustStore();
  }

  /** Wall time, and the CPU time the process used (its own and its children's, as reaped by this JVM). */
  private record Timed(double seconds, double cpuSeconds, int exit, String stderr) {}

  /** Wall time from starting the process to its exit, as a scale-out instance's first event would see it. */
  private Timed time(List<String> command, Map<String, String> settings, String stdin) throws Exception {
    Path err = Files.createTempFile(temp, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("DRIFTGUARD_") || name.startsWith("AzureWebJobsStorage")
        || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
    environment.put(Settings.IDENTITY_ENDPOINT, sandbox.identityEndpoint().toString());
    environment.put(Settings.IDENTITY_HEADER, sandbox.identityHeader());
    environment.putAll(settings);
    double cpuBefore = reapedChildrenCpuSeconds();
    long start = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish in 120 s");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = reapedChildrenCpuSeconds() - cpuBefore;
    String stderr = Files.readString(err);
    Files.delete(err);
    return new Timed(seconds, cpuSeconds, process.exitValue(), stderr);
  }

  /**
   * The CPU time of this JVM's exited and reaped child processes ({@code cutime + cstime} of /proc/self/stat, in
   * clock ticks of 10 ms): other work on the machine moves it far less than wall time. 0 where /proc is missing.
   */
  private static double reapedChildrenCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are indexes 13 and 14.
      return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static List<String> workerOptions() {
    try (InputStream in = StartBench.class.getResourceAsStream("functions-worker-jvm-options.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static String millis(List<Double> seconds) {
    return Arrays.toString(seconds.stream().mapToLong(value -> Math.round(value * 1000)).toArray());
  }

  /** The 1, 5 and 15 minute load averages: other work on the machine moves absolute figures, less so the ratio. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2] + " (" + Runtime.getRuntime().availableProcessors() + " cpus)";
    } catch (IOException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
