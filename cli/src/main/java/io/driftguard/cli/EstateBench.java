package io.driftguard.cli;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.SweepMessage;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.sandbox.ArmThrottle;
import io.driftguard.sandbox.Azurite;
import io.driftguard.sandbox.FakeArm;
import io.driftguard.sandbox.RecordedRequest;
import io.driftguard.sandbox.Sandbox;
import io.driftguard.sandbox.SiteHandle;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code bench estate}: an estate of function apps over many subscriptions, secure as the catalog's fixes leave them
 * (and on a supported language version), some drifted on every kind of default control; swept with the catalog's
 * default profile through Resource Graph and the queue fan-out (Azurite's queue, several consumers standing in for
 * scale-out instances, each sweeping one subscription under its Table claim as {@code SweepSubscription} does), beside
 * the ARM-only sweep of a sample of the subscriptions, whose figures for the whole estate are computed from it.
 */
final class EstateBench {

  /** A language version inside its support until 2029 (runtime-support.json), as a compliant Linux app shows it. */
  private static final String SUPPORTED_RUNTIME = "Python|3.13";

  private final Sandbox sandbox;
  private final ArmThrottle throttle;
  private final Map<String, String> limits;
  private final FakeArm arm;

  EstateBench(Sandbox sandbox, ArmThrottle throttle, Map<String, String> limits) {
    this.sandbox = sandbox;
    this.throttle = throttle;
    this.limits = limits;
    this.arm = sandbox.arm();
  }

  /** One kind of drift the estate seeds, on a document the default profile judges. */
  private record Drift(String name, Map<String, Object> config, boolean httpsOnly, String policyAllowed) {}

  private static final List<Drift> DRIFTS = List.of(
      new Drift("ftpsState AllAllowed", Map.of("ftpsState", "AllAllowed"), true, null),
      new Drift("minTlsVersion 1.0", Map.of("minTlsVersion", "1.0"), true, null),
      new Drift("remote debugging on", Map.of("remoteDebuggingEnabled", true), true, null),
      new Drift("httpsOnly false", Map.of(), false, null),
      new Drift("CORS allows *", Map.of("cors", Map.of("allowedOrigins", List.of("*"))), true, null),
      new Drift("runtime Python 3.8", Map.of("linuxFxVersion", "Python|3.8"), true, null),
      new Drift("FTP basic auth allowed", Map.of(), true, "ftp"),
      new Drift("SCM basic auth allowed", Map.of(), true, "scm"));

  int run(int subscriptionCount, int apps, double driftedPercent, int consumers, int armOnlySubscriptions,
          PrintStream out) throws InterruptedException {
    List<String> subscriptions = new ArrayList<>();
    for (int s = 0; s < subscriptionCount; s++) {
      subscriptions.add(String.format("00000000-0000-0000-0000-0000e57a%04d", s));
    }
    Set<String> drifted = seed(subscriptions, apps, driftedPercent);
    int perSubscription = (apps + subscriptions.size() - 1) / subscriptions.size();
    List<String> sample = subscriptions.subList(0, Math.min(armOnlySubscriptions, subscriptions.size()));
    // The ARM-only sweep first (paced by driftguard's own buckets at ARM's rates): it also warms the JVM.
    ArmOnly armOnly = armOnly(sample);
    arm.resourceGraph().azureQuota();
    arm.throttle(throttle);
    FannedOut graph = fannedOut(subscriptions, consumers);

    Set<String> driftedInSample = drifted.stream().filter(id -> sample.stream().anyMatch(id::contains))
        .collect(TreeSet::new, Set::add, Set::addAll);
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    out.printf("estate: %d function apps in %d subscriptions (%d each), %d (%.1f%%) drifted, default control profile,"
            + " load average %.2f at the end%n", apps, subscriptions.size(), perSubscription, drifted.size(),
        driftedPercent, load);
    out.printf("  Resource Graph sweep through the queue (%d consumers, one subscription each at a time): %d decided %s,"
            + " complete %s, problems %d%n", consumers, graph.decided(), graph.outcomes(), graph.complete(),
        graph.problems());
    out.printf("    requests: %d Resource Graph queries, %d ARM reads (%d publishing-policy lists, %d site, %d config/web,"
            + " %d policy GETs), %d ARM writes; queue: %d messages sent, %d received, %d deleted%n",
        graph.requests().graphQueries(), graph.requests().reads(), graph.requests().policyLists(),
        graph.requests().siteReads(), graph.requests().configReads(), graph.requests().policyReads(),
        graph.requests().writes(), graph.sent(), graph.received(), graph.deleted());
    out.printf("    throttled: ARM %d, Resource Graph %d; wall time %.1f s (enqueue to last message done)%n",
        arm.throttledCount(), arm.resourceGraph().throttledCount(), graph.wallSeconds());
    out.printf("    findings: %d alerted; equal to the seeded drift set: %s%n", graph.alerted().size(),
        graph.alerted().equals(drifted));
    double sampleFloor = floorPerSubscription(armOnly.requests().reads() / sample.size());
    double readsPerApp = (double) armOnly.requests().reads() / (sample.size() * perSubscription);
    long computedReads = Math.round(readsPerApp * apps);
    double computedFloor = subscriptions.size() * floorPerSubscription(computedReads / subscriptions.size());
    out.printf("  ARM-only sweep, measured on %d of %d subscriptions (%d apps): %d decided, %d ARM reads (%.2f an app),"
            + " wall time %.1f s; findings equal to the seeded drift there: %s%n", sample.size(), subscriptions.size(),
        sample.size() * perSubscription, armOnly.summary().decided(), armOnly.requests().reads(), readsPerApp,
        armOnly.summary().elapsedMs() / 1000.0, armOnly.alerted().equals(driftedInSample));
    out.printf("    computed for all %d apps: %d ARM reads; read-bucket floor (%d, %.0f/s per subscription) %.0f s with"
            + " subscriptions one after another (%.0f s measured for one), %.0f s with every subscription at once%n",
        apps, computedReads, throttle.readCapacity(), throttle.readRefillPerSecond(), computedFloor, sampleFloor,
        computedFloor / subscriptions.size());
    out.printf("  ARM reads %.1fx fewer (computed ARM-only / measured Resource Graph); wall time %.1fx less than the"
            + " ARM-only floor one subscription after another, %.1fx less than its floor fanned out to every subscription"
            + "%n", (double) computedReads / Math.max(1, graph.requests().reads()),
        computedFloor / graph.wallSeconds(), computedFloor / subscriptions.size() / graph.wallSeconds());
    return ExitCode.OK;
  }

  /** Seeds the estate; returns the ids of the drifted apps, spread evenly over the subscriptions and drift kinds. */
  private Set<String> seed(List<String> subscriptions, int apps, double driftedPercent) {
    int driftEvery = (int) Math.round(100 / driftedPercent);
    int block = (apps + subscriptions.size() - 1) / subscriptions.size();
    Map<String, Object> secure = new HashMap<>(CatalogSeeds.SECURE_CONFIG);
    secure.put("linuxFxVersion", SUPPORTED_RUNTIME);
    Set<String> drifted = new TreeSet<>();
    for (int i = 0; i < apps; i++) {
      Drift drift = i % driftEvery == 0 ? DRIFTS.get(i / driftEvery % DRIFTS.size()) : null;
      Map<String, Object> config = new HashMap<>(secure);
      if (drift != null) {
        config.putAll(drift.config());
      }
      SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(arm, arm.seedSite(subscriptions.get(i / block),
          "rg-estate-" + (i % 10), String.format("func-%05d", i), "functionapp,linux", Map.of(),
          drift == null || drift.httpsOnly(), config));
      if (drift != null) {
        if (drift.policyAllowed() != null) {
          arm.seedDocument("PUT", app.id() + "/basicPublishingCredentialsPolicies/" + drift.policyAllowed(),
              "{\"properties\":{\"allow\":true}}");
        }
        drifted.add(app.id());
      }
    }
    return drifted;
  }

  private record ArmOnly(SweepSummary summary, Set<String> alerted, Requests requests) {}

  private ArmOnly armOnly(List<String> sample) {
    Map<String, String> settings = BenchCommand.with(BenchCommand.with(limits, "DRIFTGUARD_MODE", "notify"),
        "DRIFTGUARD_SWEEP_SOURCE", "arm");
    var sweeper = LocalAzureRun.builder(sandbox, LocalAzureRun.settings(sandbox, settings)).buildAll().sweeper();
    Set<String> alerted = ConcurrentHashMap.newKeySet();
    int before = arm.requests().size();
    SweepSummary summary = sweeper.run(SweepRequest.oneOff(sample, false, Duration.ofHours(2)), alerting(alerted));
    return new ArmOnly(summary, new TreeSet<>(alerted), botRequests(before));
  }

  private record FannedOut(int decided, Map<Outcome, Integer> outcomes, boolean complete, int problems,
                           Set<String> alerted, Requests requests, int sent, int received, int deleted,
                           double wallSeconds) {}

  /**
   * Queues one message per subscription as the reconcile timer does, and lets {@code consumers} instances (each its own
   * engine, as a scale-out instance is) take one message at a time until every message is handled, handling each as
   * {@code SweepSubscription} does and deleting it when handled.
   */
  private FannedOut fannedOut(List<String> subscriptions, int consumers) throws InterruptedException {
    try (Azurite azurite = Azurite.start()) {
      Map<String, String> settings = new HashMap<>(limits);
      settings.put("DRIFTGUARD_MODE", "notify");
      settings.put("DRIFTGUARD_SWEEP_SOURCE", "resourcegraph");
      settings.put("DRIFTGUARD_SUBSCRIPTIONS", String.join(",", subscriptions));
      settings.put("AzureWebJobsStorage", azurite.connectionString());
      List<QueuedSweeps> instances = new ArrayList<>();
      for (int i = 0; i < consumers; i++) {
        instances.add(LocalAzureRun.builder(sandbox, LocalAzureRun.settings(sandbox, settings)).buildAll()
            .queuedSweeps().orElseThrow());
      }
      QueueClient queue = new QueueClientBuilder().connectionString(azurite.connectionString())
          .queueName(SweepQueue.NAME).messageEncoding(QueueMessageEncoding.BASE64).buildClient();
      queue.createIfNotExists();
      Set<String> alerted = ConcurrentHashMap.newKeySet();
      Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      AtomicInteger decided = new AtomicInteger();
      AtomicInteger problems = new AtomicInteger();
      AtomicInteger received = new AtomicInteger();
      AtomicInteger deleted = new AtomicInteger();
      AtomicInteger incomplete = new AtomicInteger();
      int before = arm.requests().size();
      long start = System.nanoTime();
      List<SweepMessage> sent = instances.get(0).enqueueAll("bench-" + Long.toHexString(start));
      ExecutorService pool = Executors.newFixedThreadPool(consumers);
      for (QueuedSweeps instance : instances) {
        pool.submit(() -> {
          while (deleted.get() < sent.size()) {
            List<QueueMessageItem> items = new ArrayList<>();
            queue.receiveMessages(1, Duration.ofMinutes(30), null, null).forEach(items::add);
            if (items.isEmpty()) {
              Thread.sleep(200); // the messages left are being swept by other consumers
              continue;
            }
            received.incrementAndGet();
            QueuedSweeps.Handled handled = instance.handle(items.get(0).getBody().toString(), alerting(alerted));
            if (handled.verdict() != QueuedSweeps.Verdict.SWEPT) {
              problems.incrementAndGet();
            }
            handled.summary().ifPresent(summary -> {
              decided.addAndGet(summary.decided());
              problems.addAndGet(summary.problems().size());
              summary.outcomes().forEach((outcome, count) ->
                  outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).addAndGet(count));
              if (!summary.complete()) {
                incomplete.incrementAndGet();
              }
            });
            queue.deleteMessage(items.get(0).getMessageId(), items.get(0).getPopReceipt());
            deleted.incrementAndGet();
          }
          return null;
        });
      }
      pool.shutdown();
      pool.awaitTermination(2, TimeUnit.HOURS);
      double wall = (System.nanoTime() - start) / 1e9;
      Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
      outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
      return new FannedOut(decided.get(), counts, incomplete.get() == 0, problems.get(), new TreeSet<>(alerted),
          botRequests(before), sent.size(), received.get(), deleted.get(), wall);
    }
  }

  private static SweepListener alerting(Set<String> alerted) {
    return new SweepListener() {
      @Override
      public void decided(Decision decision) {
        if (decision.outcome() == Outcome.ALERTED) {
          alerted.add(decision.resource());
        }
      }
    };
  }

  /** The bot's requests since {@code before}, by kind. */
  private record Requests(long graphQueries, long reads, long policyLists, long siteReads, long configReads,
                          long policyReads, long writes) {}

  private Requests botRequests(int before) {
    List<RecordedRequest> requests = arm.requests().subList(before, arm.requests().size()).stream()
        .filter(request -> sandbox.botObjectId().equals(request.callerObjectId())).toList();
    List<RecordedRequest> gets = requests.stream().filter(request -> request.method().equals("GET")).toList();
    long graph = requests.stream().filter(FakeArm::isResourceGraphQuery).count();
    return new Requests(graph, gets.size(), count(gets, path -> path.endsWith("/basicPublishingCredentialsPolicies")),
        count(gets, path -> path.matches("(?i).*/sites/[^/]+(/slots/[^/]+)?")), count(gets, path -> path.endsWith("/config/web")),
        count(gets, path -> path.contains("/basicPublishingCredentialsPolicies/")), requests.size() - graph - gets.size());
  }

  private static long count(List<RecordedRequest> requests, Predicate<String> path) {
    return requests.stream().filter(request -> path.test(request.path())).count();
  }

  /** How long ARM's read bucket needs for one subscription's reads: what is beyond its burst, at its refill rate. */
  private double floorPerSubscription(long reads) {
    return BenchCommand.floor(reads, throttle.readCapacity(), throttle.readRefillPerSecond(), 0, 1, 1);
  }
}
