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

/**
 * {@code bench burst|sweep|estate}: measures driftguard against the sandbox with ARM's token buckets on, and prints figures
 * beside the floor those buckets allow. Figures, not verdicts: nothing here passes or fails.
 */
final class BenchCommand implements Main.Command {

  static final String HELP = """
      usage: driftguard bench burst [--apps N] [--events-per-app N] [--scale F]
             driftguard bench sweep [--apps N] [--scale F]
             driftguard bench start [--runs N] [--java PATH] [--java-options "OPTIONS"] [--no-storage]
             driftguard bench warm [--events N] [--latency-ms N] [--storage] [--seen]
             driftguard bench estate [--subscriptions N] [--apps N] [--drifted P%] [--consumers N]
                                     [--arm-only-subscriptions N] [--mode notify|autofix] [--scale F]

      burst  a deployment touching N apps (default 100): 5 write events each (default), shuffled, delivered by 16
             workers as Event Grid would (a retryable decision is delivered again), half the apps drifted, auto-fix.
      sweep  a reconcile sweep of N function apps (default 2000), one in ten drifted, notify mode, ARM listing.
      estate N function apps (default 20000) spread over S subscriptions (default 20), secure as the catalog's fixes
             leave them, P% (default 5%) drifted on the default controls (config/web, httpsOnly, CORS, runtime,
             basic-auth policies), the catalog's default profile, in notify mode (default) or autofix mode (each
             control fixed or alerted as its risk allows). The Resource Graph sweep runs through the queue fan-out:
             one message per subscription on Azurite's queue, taken by C consumers (default 10, each its own engine,
             as scale-out instances) under the Table claim, with Resource Graph's quota on (15 queries per 5 s).
             Beside it the ARM-only sweep of mirror copies of the first A subscriptions (default 1; the same apps
             and drift under other subscription ids, so that its fixes leave the estate as seeded; paced by
             driftguard's own buckets at ARM's rates, about 160 s a subscription), from which its reads and floor
             for the whole estate are computed. Both sweeps' findings are checked against the seeded drift set, and
             their outcomes and writes app for app on the sampled subscriptions; in autofix mode an ARM-only dry run
             then re-judges the sampled subscriptions: nothing left that the catalog would fix.

      ARM's token buckets are on (reads 250 at 25/s, writes 200 at 10/s per subscription), scaled by F (default 1);
      driftguard's own buckets match them. Prints wall time, ARM requests, 429s, the floor time the buckets allow and
      the ratio; sweep also prints peak heap. The sandbox runs in the same JVM: its state is in the heap figures.

      start  N (default 7) cold processes of 'handle' on one drifted event each, started with the Functions Java
             worker's JVM options, interleaved with as many of the floor program (plain JDK: a managed-identity
             token, one GET of the site, one PATCH of config/web) as a bare JVM and as many under the worker's
             options, all against the sandbox with Table storage on Azurite and alerts (--no-storage: neither).
             Prints the medians, the ratios to each floor (target <= 2.0) and the phases of one traced run
             (-Ddriftguard.traceStartup=true). --java and --java-options choose the JVM of the 'handle' processes
             and add options after the worker's (e.g. a CDS archive, or -XX:TieredStopAtLevel=4 for C2).
      warm   N (default 1000) drifted events, one at a time, through one warm engine, with a fixed latency (default
             20 ms) on every ARM request; prints the per-event overhead beyond the latency on its critical path (the
             waves of parallel requests in the sandbox's request log) and beyond what the sandbox held those requests
             (p50 target <= 3 ms, p99 <= 15 ms), the floor program's cost per request, allocations and CPU per event.
             --storage adds Table storage (Azurite) and alerts, whose round trips then count as overhead. Each app is
             new to the engine (its site read first, then its documents); --seen hands the engine one compliant
             write event of each app first, as its deployment would, so that it reads site and documents at once.
      Figures move with the machine's load: each figure is printed with the load average.
      """;

  private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
  private static final Caller PEOPLE = Caller.servicePrincipal("0de10000-0000-4000-8000-000000000001",
      "0de10000-0000-4000-8000-000000000002", "release-pipeline");

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || Main.isHelp(args[0])
        || !List.of("burst", "sweep", "start", "warm", "estate").contains(args[0])) {
      (args.length > 0 && Main.isHelp(args[0]) ? out : err).print(HELP);
      return args.length > 0 && Main.isHelp(args[0]) ? ExitCode.OK : ExitCode.USAGE;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("driftguard bench: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (args[0].equals("start")) {
      // Each measured process gets the sandbox's endpoints in its environment: this JVM needs none of its own.
      try (Sandbox sandbox = Sandbox.start(); Storage storage = Storage.start(options.storage())) {
        return new StartBench(sandbox, storage.azurite(), options.java(), options.javaOptions()).run(options.runs(), out);
      }
    }
    if (!LocalAzureRun.isChild()) {
      return LocalAzureRun.relaunch(prepend("bench", args));
    }
    if (args[0].equals("warm")) {
      try (Sandbox sandbox = LocalAzureRun.startSandbox(SandboxOptions.defaults());
           Storage storage = Storage.start(options.storage())) {
        return WarmBench.run(sandbox, storage.azurite(), options.events(), Duration.ofMillis(options.latencyMs()),
            options.seen(), out);
      }
    }
    ArmThrottle throttle = ArmThrottle.azureDefaults().scaled(options.scale());
    try (Sandbox sandbox = LocalAzureRun.startSandbox(SandboxOptions.defaults().withThrottling(throttle))) {
      Map<String, String> limits = Map.of(
          "DRIFTGUARD_ARM_READ_BURST", String.valueOf(throttle.readCapacity()),
          "DRIFTGUARD_ARM_READS_PER_SECOND", String.valueOf((int) throttle.readRefillPerSecond()),
          "DRIFTGUARD_ARM_WRITE_BURST", String.valueOf(throttle.writeCapacity()),
          "DRIFTGUARD_ARM_WRITES_PER_SECOND", String.valueOf((int) throttle.writeRefillPerSecond()));
      return switch (args[0]) {
        case "burst" -> burst(sandbox, throttle, limits, options, out);
        case "estate" -> new EstateBench(sandbox, throttle, limits).run(options.subscriptions(), options.apps(),
            options.driftedPercent(), options.consumers(), options.armOnlySubscriptions(), options.mode(), out);
        default -> sweep(sandbox, throttle, limits, options, out);
      };
    }
  }

  private static int burst(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits, Options options,
                           PrintStream out) throws InterruptedException {
    FakeArm arm = sandbox.arm();
    Random random = new Random(1);
    List<String> events = new ArrayList<>();
    for (int i = 0; i < options.apps(); i++) {
      SiteHandle app = arm.seedSite(SUBSCRIPTION, "rg-burst", String.format("func-burst-%04d", i), "functionapp",
          Map.of(), true, Map.of("ftpsState", "Disabled", "minTlsVersion", "1.2", "remoteDebuggingEnabled", false));
      for (int event = 0; event < options.eventsPerApp(); event++) {
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
        options.apps(), events.size(), deliveries.get(), deliveries.get() - events.size());
    out.printf("  ARM requests: %d reads, %d writes; throttled (429): %d%n", reads, writes, arm.throttledCount());
    out.printf("  wall time %.1f s; token-bucket floor %.1f s (reads %d beyond the burst of %d at %.0f/s); ratio %.2f%n",
        wall, floor, Math.max(0, reads - throttle.readCapacity()), throttle.readCapacity(),
        throttle.readRefillPerSecond(), floor == 0 ? 0 : wall / floor);
    return ExitCode.OK;
  }

  private static int sweep(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits, Options options,
                           PrintStream out) {
    FakeArm arm = sandbox.arm();
    for (int i = 0; i < options.apps(); i++) {
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
    out.printf("sweep: %d function apps, %d decided %s, complete %s%n", options.apps(), summary.decided(),
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

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
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

  private record Options(int apps, int eventsPerApp, double scale, int runs, String java, List<String> javaOptions,
                         boolean storage, int events, int latencyMs, int subscriptions, double driftedPercent,
                         int consumers, int armOnlySubscriptions, Mode mode, boolean seen) {
    static Options parse(String[] args) {
      int apps = switch (args[0]) {
        case "burst" -> 100;
        case "estate" -> 20_000;
        default -> 2000;
      };
      int eventsPerApp = 5;
      double scale = 1;
      int runs = 7;
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> javaOptions = List.of();
      boolean storage = args[0].equals("start");
      int events = 1000;
      int latencyMs = 20;
      int subscriptions = 20;
      double driftedPercent = 5;
      int consumers = 10;
      int armOnlySubscriptions = 1;
      Mode mode = Mode.NOTIFY;
      boolean seen = false;
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--apps" -> apps = positive(args, ++i);
          case "--events-per-app" -> eventsPerApp = positive(args, ++i);
          case "--subscriptions" -> subscriptions = positive(args, ++i);
          case "--drifted" -> driftedPercent = percent(args, ++i);
          case "--consumers" -> consumers = positive(args, ++i);
          case "--arm-only-subscriptions" -> armOnlySubscriptions = positive(args, ++i);
          case "--mode" -> mode = acting(args, ++i);
          case "--scale" -> scale = Double.parseDouble(Arguments.value(args, ++i));
          case "--runs" -> runs = positive(args, ++i);
          case "--java" -> java = Arguments.value(args, ++i);
          case "--java-options" -> javaOptions = List.of(Arguments.value(args, ++i).trim().split("\\s+"));
          case "--storage" -> storage = true;
          case "--no-storage" -> storage = false;
          case "--events" -> events = positive(args, ++i);
          case "--latency-ms" -> latencyMs = positive(args, ++i);
          case "--seen" -> seen = true;
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
      return new Options(apps, eventsPerApp, scale, runs, java, javaOptions, storage, events, latencyMs, subscriptions,
          driftedPercent, consumers, armOnlySubscriptions, mode, seen);
    }

    /** {@code notify} or {@code autofix}: a mode that acts on findings ({@code off} would sweep nothing). */
    private static Mode acting(String[] args, int index) {
      String text = Arguments.value(args, index);
      if (!List.of(Mode.NOTIFY.label(), Mode.AUTOFIX.label()).contains(text)) {
        throw new IllegalArgumentException(args[index - 1] + " must be notify or autofix, not '" + text + "'");
      }
      return Mode.parse(text);
    }

    private static double percent(String[] args, int index) {
      String text = Arguments.value(args, index);
      double percent = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException(args[index - 1] + " must be a percentage above 0, such as 5%");
      }
      return percent;
    }

    private static int positive(String[] args, int index) {
      int number = Integer.parseInt(Arguments.value(args, index));
      if (number < 1) {
        throw new IllegalArgumentException(args[index - 1] + " must be at least 1");
      }
      return number;
    }
  }
}
