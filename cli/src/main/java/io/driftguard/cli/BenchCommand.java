package io.driftguard.cli;

import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Remediator;
import io.driftguard.policy.Mode;
import io.driftguard.sandbox.ArmThrottle;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.Caller;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SandboxOptions;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench burst|sweep|start|warm|estate}: measures driftguard against the sandbox with ARM's token buckets on, and
 * prints figures beside the floor those buckets allow. Figures, not verdicts: nothing here passes or fails.
 */
@Command(name = "bench", customSynopsis = "driftguard bench burst|sweep|start|warm|estate [options]",
    description = "measure: burst, sweep, start (cold), warm (per-event cost), estate (many subscriptions); prints figures",
    subcommands = {BenchCommand.Burst.class, BenchCommand.Sweep.class, BenchCommand.Start.class,
        BenchCommand.Warm.class, BenchCommand.Estate.class},
    footer = {"",
        "ARM's token buckets are on (reads 250 at 25/s, writes 200 at 10/s per subscription), scaled by F (default 1);",
        "driftguard's own buckets match them. Figures move with the machine's load: each figure is printed with the",
        "load average. Run 'driftguard bench <sub-command> --help' for each one's options."})
final class BenchCommand {

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
  private static final Caller PEOPLE = Caller.servicePrincipal("0de10000-0000-4000-8000-000000000001",
      "0de10000-0000-4000-8000-000000000002", "release-pipeline");

  /** ARM's buckets scaled by F, for the benchmarks that run under them. */
  static final class Scale {
    @Option(names = "--scale", paramLabel = "F", description = "scales ARM's token buckets (default 1)")
    double factor = 1;
  }

  @Command(name = "burst", customSynopsis = "driftguard bench burst [--apps N] [--events-per-app N] [--scale F]",
      description = "a burst of write events, as a deployment makes",
      footer = {"",
          "a deployment touching N apps (default 100): 5 write events each (default), shuffled, delivered by 16 workers",
          "as Event Grid would (a retryable decision is delivered again), half the apps drifted, auto-fix. Prints wall",
          "time, ARM requests, 429s, the floor time the buckets allow and the ratio."})
  static final class Burst implements Main.Command {
    @Option(names = "--apps", paramLabel = "N", converter = Main.Positive.class, description = "apps (default 100)")
    int apps = 100;
    @Option(names = "--events-per-app", paramLabel = "N", converter = Main.Positive.class,
        description = "write events per app (default 5)")
    int eventsPerApp = 5;
    @Mixin
    Scale scale;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
      return throttled(args, scale, (sandbox, throttle, limits) -> burst(sandbox, throttle, limits, this, out));
    }
  }

  @Command(name = "sweep", customSynopsis = "driftguard bench sweep [--apps N] [--scale F]",
      description = "a reconcile sweep of one subscription under ARM's buckets",
      footer = {"",
          "a reconcile sweep of N function apps (default 2000), one in ten drifted, notify mode, ARM listing. Prints",
          "wall time, ARM requests, 429s, the floor time the buckets allow, the ratio and peak heap (the sandbox runs",
          "in the same JVM: its state is in the heap figures)."})
  static final class Sweep implements Main.Command {
    @Option(names = "--apps", paramLabel = "N", converter = Main.Positive.class, description = "apps (default 2000)")
    int apps = 2000;
    @Mixin
    Scale scale;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
      return throttled(args, scale, (sandbox, throttle, limits) -> sweep(sandbox, throttle, limits, apps, out));
    }
  }

  @Command(name = "estate", customSynopsis = {
      "driftguard bench estate [--subscriptions N] [--apps N] [--drifted P%%] [--consumers N]",
      "                        [--arm-only-subscriptions N] [--mode notify|autofix] [--scale F]"},
      description = "a many-subscription estate through Resource Graph and the queue fan-out, beside the ARM-only sweep",
      footer = {"",
          "N function apps (default 20000) spread over S subscriptions (default 20), secure as the catalog's fixes",
          "leave them, P%% (default 5%%) drifted on the default controls (config/web, httpsOnly, CORS, runtime,",
          "basic-auth policies), the catalog's default profile, in notify mode (default) or autofix mode (each control",
          "fixed or alerted as its risk allows). The Resource Graph sweep runs through the queue fan-out: one message",
          "per subscription on Azurite's queue, taken by C consumers (default 10, each its own engine, as scale-out",
          "instances) under the Table claim, with Resource Graph's quota on (15 queries per 5 s). Beside it the",
          "ARM-only sweep of mirror copies of the first A subscriptions (default 1; the same apps and drift under other",
          "subscription ids, so that its fixes leave the estate as seeded; paced by driftguard's own buckets at ARM's",
          "rates, about 160 s a subscription), from which its reads and floor for the whole estate are computed. Both",
          "sweeps' findings are checked against the seeded drift set, and their outcomes and writes app for app on the",
          "sampled subscriptions; in autofix mode an ARM-only dry run then re-judges the sampled subscriptions: nothing",
          "left that the catalog would fix."})
  static final class Estate implements Main.Command {
    @Option(names = "--subscriptions", paramLabel = "N", converter = Main.Positive.class,
        description = "subscriptions (default 20)")
    int subscriptions = 20;
    @Option(names = "--apps", paramLabel = "N", converter = Main.Positive.class, description = "apps (default 20000)")
    int apps = 20_000;
    @Option(names = "--drifted", paramLabel = "P%", converter = Percent.class,
        description = "the share of apps drifted (default 5%%)")
    double driftedPercent = 5;
    @Option(names = "--consumers", paramLabel = "N", converter = Main.Positive.class,
        description = "queue consumers (default 10)")
    int consumers = 10;
    @Option(names = "--arm-only-subscriptions", paramLabel = "N", converter = Main.Positive.class,
        description = "subscriptions the ARM-only sweep measures (default 1)")
    int armOnlySubscriptions = 1;
    @Option(names = "--mode", paramLabel = "notify|autofix", converter = ActingMode.class,
        description = "the mode of every control (default notify)")
    Mode mode = Mode.NOTIFY;
    @Mixin
    Scale scale;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
      return throttled(args, scale, (sandbox, throttle, limits) -> new EstateBench(sandbox, throttle, limits)
          .run(subscriptions, apps, driftedPercent, consumers, armOnlySubscriptions, mode, out));
    }
  }

  @Command(name = "start",
      customSynopsis = "driftguard bench start [--runs N] [--java PATH] [--java-options \"OPTIONS\"] [--no-storage]",
      description = "cold start: processes of handle beside a plain-JDK floor program",
      footer = {"",
          "N (default 7) cold processes of 'handle' on one drifted event each, started with the Functions Java worker's",
          "JVM options, interleaved with as many of the floor program (plain JDK: a managed-identity token, one GET of",
          "the site, one PATCH of config/web) as a bare JVM and as many under the worker's options, all against the",
          "sandbox with Table storage on Azurite and alerts (--no-storage: neither). Prints the medians, the ratios to",
          "each floor (target <= 2.0) and the phases of one traced run (-Ddriftguard.traceStartup=true)."})
  static final class Start implements Main.Command {
    @Option(names = "--runs", paramLabel = "N", converter = Main.Positive.class, description = "cold runs (default 7)")
    int runs = 7;
    @Option(names = "--java", paramLabel = "PATH", description = "the JVM of the 'handle' processes (default: this one)")
    String java = ProcessHandle.current().info().command().orElse("java");
    @Option(names = "--java-options", paramLabel = "OPTIONS", 
        description = "added after the worker's options (e.g. a CDS archive, or -XX:TieredStopAtLevel=4 for C2)")
    String javaOptions = "";
    @Option(names = "--no-storage", description = "without Table storage and alerts")
    boolean noStorage;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
      List<String> options = javaOptions.isBlank() ? List.of() : List.of(javaOptions.trim().split("\\s+"));
      // Each measured process gets the sandbox's endpoints in its environment: this JVM needs none of its own.
      try (Sandbox sandbox = Sandbox.start(); Storage storage = Storage.start(!noStorage)) {
        return new StartBench(sandbox, storage.azurite(), java, options).run(runs, out);
      }
    }
  }

  @Command(name = "warm", customSynopsis = "driftguard bench warm [--events N] [--latency-ms N] [--storage] [--seen]",
      description = "warm per-event cost beyond the ARM latency",
      footer = {"",
          "N (default 1000) drifted events, one at a time, through one warm engine, with a fixed latency (default 20",
          "ms) on every ARM request; prints the per-event overhead beyond the latency on its critical path (the waves",
          "of parallel requests in the sandbox's request log) and beyond what the sandbox held those requests (p50",
          "target <= 3 ms, p99 <= 15 ms), the floor program's cost per request, allocations and CPU per event."})
  static final class Warm implements Main.Command {
    @Option(names = "--events", paramLabel = "N", converter = Main.Positive.class, description = "events (default 1000)")
    int events = 1000;
    @Option(names = "--latency-ms", paramLabel = "N", converter = Main.Positive.class,
        description = "latency of every ARM request (default 20)")
    int latencyMs = 20;
    @Option(names = "--storage",
        description = "adds Table storage (Azurite) and alerts, whose round trips then count as overhead")
    boolean storage;
    @Option(names = "--seen", description = "each app is new to the engine unless this hands it one compliant write "
        + "event of each app first, as its deployment would, so that it reads site and documents at once")
    boolean seen;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
      if (!LocalAzureRun.isChild()) {
        return LocalAzureRun.relaunch(args);
      }
      try (Sandbox sandbox = LocalAzureRun.startSandbox(SandboxOptions.defaults());
           Storage storage = Storage.start(this.storage)) {
        return WarmBench.run(sandbox, storage.azurite(), events, Duration.ofMillis(latencyMs), seen, out);
      }
    }
  }

  /** A benchmark under ARM's buckets: the sandbox throttled, and driftguard's own buckets at the same rates. */
  private interface Throttled {
    int run(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits) throws Exception;
  }

  private static int throttled(String[] args, Scale scale, Throttled bench) throws Exception {
    if (!LocalAzureRun.isChild()) {
      return LocalAzureRun.relaunch(args);
    }
    ArmThrottle throttle = ArmThrottle.azureDefaults().scaled(scale.factor);
    try (Sandbox sandbox = LocalAzureRun.startSandbox(SandboxOptions.defaults().withThrottling(throttle))) {
      Map<String, String> limits = Map.of(
          "DRIFTGUARD_ARM_READ_BURST", String.valueOf(throttle.readCapacity()),
          "DRIFTGUARD_ARM_READS_PER_SECOND", String.valueOf((int) throttle.readRefillPerSecond()),
          "DRIFTGUARD_ARM_WRITE_BURST", String.valueOf(throttle.writeCapacity()),
          "DRIFTGUARD_ARM_WRITES_PER_SECOND", String.valueOf((int) throttle.writeRefillPerSecond()));
      return bench.run(sandbox, throttle, limits);
    }
  }

  private static int burst(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits, Burst options,
                           PrintStream out) throws InterruptedException {
    FakeArm arm = sandbox.arm();
    Random random = new Random(1);
    List<String> events = new ArrayList<>();
    for (int i = 0; i < options.apps; i++) {
      SiteHandle app = arm.seedSite(SUBSCRIPTION, "rg-burst", String.format("func-burst-%04d", i), "functionapp",
          Map.of(), true, Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
      for (int event = 0; event < options.eventsPerApp; event++) {
        String body = event == 0 && i % 2 == 0 ? "{\"properties\":{\"minTlsVersion\":\"1.0\"}}"
            : "{\"properties\":{\"http20Enabled\":" + random.nextBoolean() + "}}";
        arm.write(PEOPLE, "PATCH", app.webConfigId(), body);
      }
      events.addAll(arm.drainEmittedEvents());
    }
    Collections.shuffle(events, random);
    Settings settings = LocalAzureRun.settings(sandbox, with(limits, "DRIFTGUARD_MODE", "autofix"));
    Remediator engine = LocalAzureRun.builder(sandbox, settings).build();
    arm.throttle(throttle);
    int before = arm.requests().size();
    long start = System.nanoTime();
    AtomicInteger deliveries = new AtomicInteger();
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(events);
    ExecutorService workers = Executors.newFixedThreadPool(16);
    for (int worker = 0; worker < 16; worker++) {
      workers.submit(() -> {
        String event;
        while ((event = queue.poll()) != null) {
          deliveries.incrementAndGet();
          try {
            Decision decision = engine.handleDelivery(event).get(0);
            if (decision.retryable()) {
              queue.add(event);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
    }
    workers.shutdown();
    workers.awaitTermination(1, TimeUnit.HOURS);
    double wall = (System.nanoTime() - start) / 1e9;
    List<RecordedRequest> requests = arm.requests().subList(before, arm.requests().size());
    long reads = requests.stream().filter(request -> request.method().equals("GET")).count();
    long writes = requests.size() - reads;
    double floor = floor(reads, throttle.readCapacity(), throttle.readRefillPerSecond(),
        writes, throttle.writeCapacity(), throttle.writeRefillPerSecond());
    out.printf("burst: %d apps, %d events, %d deliveries (%d redelivered after a retryable failure)%n",
        options.apps, events.size(), deliveries.get(), deliveries.get() - events.size());
    out.printf("  ARM requests: %d reads, %d writes; throttled (429): %d%n", reads, writes, arm.throttledCount());
    out.printf("  wall time %.1f s; token-bucket floor %.1f s (reads %d beyond the burst of %d at %.0f/s); ratio %.2f%n",
        wall, floor, Math.max(0, reads - throttle.readCapacity()), throttle.readCapacity(),
        throttle.readRefillPerSecond(), floor == 0 ? 0 : wall / floor);
    return ExitCode.OK;
  }

  private static int sweep(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits, int apps,
                           PrintStream out) {
    FakeArm arm = sandbox.arm();
    for (int i = 0; i < apps; i++) {
      arm.seedSite(SUBSCRIPTION, "rg-estate", String.format("func-%05d", i), "functionapp,linux", Map.of(), true,
          i % 10 == 0 ? Map.of("ftpsState", "AllAllowed", "minTlsVersion", "1.0")
              : Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
    }
    Settings settings = LocalAzureRun.settings(sandbox,
        with(with(limits, "DRIFTGUARD_MODE", "notify"), "DRIFTGUARD_SWEEP_SOURCE", "arm"));
    var sweeper = LocalAzureRun.builder(sandbox, settings).buildAll().sweeper();
    arm.throttle(throttle);
    System.gc();
    long heapBefore = heapUsed();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    int before = arm.requests().size();
    SweepSummary summary = sweeper.run(SweepRequest.oneOff(List.of(SUBSCRIPTION), false, Duration.ofHours(1)),
        SweepListener.SILENT);
    long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    List<RecordedRequest> requests = arm.requests().subList(before, arm.requests().size());
    long reads = requests.stream().filter(request -> request.method().equals("GET")).count();
    double floor = floor(reads, throttle.readCapacity(), throttle.readRefillPerSecond(), 0, 1, 1);
    double wall = summary.elapsedMs() / 1000.0;
    out.printf("sweep: %d function apps, %d decided %s, complete %s%n", apps, summary.decided(),
        summary.outcomes(), summary.complete());
    out.printf("  ARM reads %d (%d list reads); throttled (429): %d%n", reads, summary.listReads(), arm.throttledCount());
    out.printf("  wall time %.1f s; read-bucket floor %.1f s; ratio %.2f%n", wall, floor, floor == 0 ? 0 : wall / floor);
    out.printf("  heap: %.0f MB before the sweep (sandbox and seeded estate), peak %.0f MB during it%n",
        heapBefore / 1e6, peakHeap / 1e6);
    return ExitCode.OK;
  }

  /** How long ARM's buckets need for these requests: what is beyond each bucket's burst, at its refill rate. */
  static double floor(long reads, int readBurst, double readRate, long writes, int writeBurst, double writeRate) {
    return Math.max(Math.max(0, reads - readBurst) / readRate, Math.max(0, writes - writeBurst) / writeRate);
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static Map<String, String> with(Map<String, String> settings, String name, String value) {
    Map<String, String> all = new HashMap<>(settings);
    all.put(name, value);
    return all;
  }

  /** Azurite when the benchmark includes Table storage. */
  private record Storage(Optional<Azurite> azurite) implements AutoCloseable {
    static Storage start(boolean wanted) {
      return new Storage(wanted ? Optional.of(Azurite.start()) : Optional.empty());
    }

    @Override
    public void close() {
      azurite.ifPresent(Azurite::close);
    }
  }

  /** {@code notify} or {@code autofix}: a mode that acts on findings ({@code off} would sweep nothing). */
  static final class ActingMode implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String text) {
      if (!List.of(Mode.NOTIFY.label(), Mode.AUTOFIX.label()).contains(text)) {
        throw new CommandLine.TypeConversionException("must be notify or autofix, not '" + text + "'");
      }
      return Mode.parse(text);
    }
  }

  static final class Percent implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String text) {
      try {
        double percent = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
        if (percent > 0 && percent <= 100) {
          return percent;
        }
      } catch (NumberFormatException e) {
        // the reason below
      }
      throw new CommandLine.TypeConversionException("must be a percentage above 0, such as 5%, not '" + text + "'");
    }
  }
}
