package io.driftguard.cli;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.SweepMessage;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.policy.Mode;
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
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code bench estate}: an estate of function apps over many subscriptions, secure as the catalog's fixes leave them
 * (and on a supported language version), some drifted on every kind of default control; swept with the catalog's
 * default profile through Resource Graph and the queue fan-out (Azurite's queue, several consumers standing in for
 * scale-out instances, each sweeping one subscription under its Table claim as {@code SweepSubscription} does), beside
 * the ARM-only sweep of mirror copies of a sample of the subscriptions, whose figures for the whole estate are computed
 * from it. Notify or autofix mode, the catalog's risks deciding what is fixed; the two sweeps' outcomes and writes are
 * compared app for app, and after an autofix sweep an ARM-only dry run re-judges the sampled subscriptions.
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

  int run(int subscriptionCount, int apps, double driftedPercent, int consumers, int armOnlySubscriptions, Mode mode,
          PrintStream out) throws InterruptedException {
    List<String> subscriptions = subscriptions("e57a", subscriptionCount);
    int perSubscription = (apps + subscriptions.size() - 1) / subscriptions.size();
    int driftEvery = (int) Math.round(100 / driftedPercent);
    Set<String> drifted = new TreeSet<>();
    for (int s = 0; s < subscriptions.size(); s++) {
      drifted.addAll(seed(subscriptions.get(s), s, perSubscription, apps, driftEvery));
    }
    List<String> sample = subscriptions.subList(0, Math.min(armOnlySubscriptions, subscriptions.size()));
    // The ARM-only sweep runs on mirror copies of the sampled subscriptions: the same apps (names, documents, drift)
    // seeded under other subscription ids, outside the Resource Graph sweep's DRIFTGUARD_SUBSCRIPTIONS. In autofix
    // mode it fixes its copies, so the Resource Graph sweep still meets the sampled subscriptions as seeded and both
    // sweeps decide the same apps from the same state; comparing them maps each copy's id back to its original.
    List<String> mirrors = subscriptions("e57b", sample.size());
    for (int s = 0; s < mirrors.size(); s++) {
      seed(mirrors.get(s), s, perSubscription, apps, driftEvery);
    }
    // The ARM-only sweep first (paced by driftguard's own buckets at ARM's rates): it also warms the JVM.
    Swept armOnly = armOnly(mirrors, mode, false).inSubscriptionsOf(mirrors, sample);
    arm.resourceGraph().azureQuota();
    arm.throttle(throttle);
    FannedOut fannedOut = fannedOut(subscriptions, consumers, mode);
    Swept graph = fannedOut.swept();
    int throttledArm = arm.throttledCount();
    int throttledGraph = arm.resourceGraph().throttledCount();

    Set<String> driftedInSample = within(drifted, sample);
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    out.printf("estate: %d function apps in %d subscriptions (%d each), %d (%.1f%%) drifted, default control profile,"
            + " %s mode, load average %.2f at the end%n", apps, subscriptions.size(), perSubscription, drifted.size(),
        driftedPercent, mode.label(), load);
    out.printf("  Resource Graph sweep through the queue (%d consumers, one subscription each at a time): %d decided %s,"
            + " complete %s, problems %d%n", consumers, graph.decided(), graph.outcomes(), graph.complete(),
        graph.problems());
    out.printf("    requests: %d Resource Graph queries, %d ARM reads (%d publishing-policy lists, %d site, %d config/web,"
            + " %d policy GETs), %d ARM writes %s; queue: %d messages sent, %d received, %d deleted%n",
        graph.requests().graphQueries(), graph.requests().reads(), graph.requests().policyLists(),
        graph.requests().siteReads(), graph.requests().configReads(), graph.requests().policyReads(),
        graph.requests().writes(), graph.requests().writesByKind(), fannedOut.sent(), fannedOut.received(),
        fannedOut.deleted());
    out.printf("    throttled: ARM %d (%d reads, %d writes), Resource Graph %d; wall time %.1f s (enqueue to last message"
            + " done)%n", throttledArm, graph.requests().throttledReads(), graph.requests().throttledWrites(),
        throttledGraph, graph.wallSeconds());
    out.printf("    %d fixed, %d alerted; found (fixed or alerted) equal to the seeded drift set: %s%n",
        graph.with(Outcome.FIXED).size(), graph.with(Outcome.ALERTED).size(), graph.found().equals(drifted));
    double sampleFloor = floorPerSubscription(armOnly.requests().reads() / sample.size());
    double readsPerApp = (double) armOnly.requests().reads() / (sample.size() * perSubscription);
    long computedReads = Math.round(readsPerApp * apps);
    double computedFloor = subscriptions.size() * floorPerSubscription(computedReads / subscriptions.size());
    out.printf("  ARM-only sweep, measured on mirror copies of %d of %d subscriptions (%d apps): %d decided %s, %d ARM"
            + " reads (%.2f an app), %d ARM writes %s, throttled %d, wall time %.1f s%n", sample.size(),
        subscriptions.size(), sample.size() * perSubscription, armOnly.decided(), armOnly.outcomes(),
        armOnly.requests().reads(), readsPerApp, armOnly.requests().writes(), armOnly.requests().writesByKind(),
        armOnly.requests().throttledReads() + armOnly.requests().throttledWrites(), armOnly.wallSeconds());
    out.printf("    %d fixed, %d alerted; found equal to the seeded drift there: %s%n",
        armOnly.with(Outcome.FIXED).size(), armOnly.with(Outcome.ALERTED).size(),
        armOnly.found().equals(driftedInSample));
    out.printf("    computed for all %d apps: %d ARM reads; read-bucket floor (%d, %.0f/s per subscription) %.0f s with"
            + " subscriptions one after another (%.0f s measured for one), %.0f s with every subscription at once%n",
        apps, computedReads, throttle.readCapacity(), throttle.readRefillPerSecond(), computedFloor, sampleFloor,
        computedFloor / subscriptions.size());
    Swept graphInSample = graph.inSubscriptions(sample);
    out.printf("  (a) on the sampled subscriptions the Resource Graph sweep decides as the ARM-only sweep: same outcome"
            + " for every app it fixed, alerted or failed: %s; same writes (path and body) for every app: %s%n",
        graphInSample.acted().equals(armOnly.acted()),
        graphInSample.requests().writesByApp().equals(armOnly.requests().writesByApp()));
    if (mode == Mode.AUTOFIX) {
      // Re-judged through ARM, not Resource Graph: an ARM-only dry run of the sampled subscriptions reads every app's
      // documents afresh and says what the catalog would still fix there (nothing, if the sweep fixed it all).
      Swept rejudged = armOnly(sample, Mode.AUTOFIX, true);
      long stillToFix = rejudged.decisions().values().stream().flatMap(decision -> decision.findings().stream())
          .filter(finding -> finding.action() == Action.WOULD_FIX).count();
      out.printf("  (b) the sampled subscriptions after the sweep, re-judged by an ARM-only dry run in autofix mode (%d"
              + " ARM reads, throttled %d, %.1f s): %d apps still drifted, %d findings it would fix; still drifted"
              + " equal to the apps the Resource Graph sweep alerted there: %s%n", rejudged.requests().reads(),
          rejudged.requests().throttledReads(), rejudged.wallSeconds(), rejudged.found().size(), stillToFix,
          rejudged.found().equals(graphInSample.with(Outcome.ALERTED)));
    }
    out.printf("  ARM reads %.1fx fewer (computed ARM-only / measured Resource Graph); wall time %.1fx less than the"
            + " ARM-only floor one subscription after another, %.1fx less than its floor fanned out to every subscription"
            + "%n", (double) computedReads / Math.max(1, graph.requests().reads()),
        computedFloor / graph.wallSeconds(), computedFloor / subscriptions.size() / graph.wallSeconds());
    return ExitCode.OK;
  }

  private static List<String> subscriptions(String series, int count) {
    List<String> subscriptions = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      subscriptions.add(String.format("00000000-0000-0000-0000-0000%s%04d", series, s));
    }
    return subscriptions;
  }

  /**
   * Seeds the {@code index}th subscription's share of the estate's apps (the same names and drift whichever
   * subscription id it goes under); returns the ids of its drifted apps, one in {@code driftEvery} of the estate,
   * spread evenly over the subscriptions and drift kinds.
   */
  private Set<String> seed(String subscription, int index, int perSubscription, int apps, int driftEvery) {
    Map<String, Object> secure = new HashMap<>(CatalogSeeds.SECURE_CONFIG);
    secure.put("linuxFxVersion", SUPPORTED_RUNTIME);
    Set<String> drifted = new TreeSet<>();
    for (int i = index * perSubscription; i < Math.min(apps, (index + 1) * perSubscription); i++) {
      Drift drift = i % driftEvery == 0 ? DRIFTS.get(i / driftEvery % DRIFTS.size()) : null;
      Map<String, Object> config = new HashMap<>(secure);
      if (drift != null) {
        config.putAll(drift.config());
      }
      SiteHandle app = CatalogSeeds.secureBeyondSiteAndConfig(arm, arm.seedSite(subscription,
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

  private static Set<String> within(Set<String> ids, List<String> subscriptions) {
    return ids.stream().filter(id -> subscriptions.stream().anyMatch(subscription -> id.contains("/" + subscription + "/")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** One sweep: what it decided for each app (the apps it decided), its requests, and its wall time. */
  private record Swept(int decided, Map<Outcome, Integer> outcomes, boolean complete, int problems,
                       Map<String, Decision> decisions, Requests requests, double wallSeconds) {

    Set<String> with(Outcome outcome) {
      return apps(decision -> decision.outcome() == outcome);
    }

    /** The apps with findings: fixed, alerted (or failed, or drifted in a dry run). */
    Set<String> found() {
      return apps(decision -> !decision.findings().isEmpty());
    }

    /** The outcome of every app not judged compliant. */
    Map<String, Outcome> acted() {
      Map<String, Outcome> acted = new TreeMap<>();
      apps(decision -> decision.outcome() != Outcome.COMPLIANT).forEach(id -> acted.put(id, decisions.get(id).outcome()));
      return acted;
    }

    /** By the ids this sweep is keyed by (an app's copy may be keyed by its original's id), not the decisions' own. */
    private Set<String> apps(Predicate<Decision> which) {
      return decisions.entrySet().stream().filter(entry -> which.test(entry.getValue())).map(Map.Entry::getKey)
          .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Only the decisions and writes of apps in these subscriptions. */
    Swept inSubscriptions(List<String> subscriptions) {
      Map<String, Decision> kept = new TreeMap<>();
      within(decisions.keySet(), subscriptions).forEach(id -> kept.put(id, decisions.get(id)));
      Map<String, List<String>> writes = new TreeMap<>();
      within(requests.writesByApp().keySet(), subscriptions).forEach(id -> writes.put(id, requests.writesByApp().get(id)));
      return new Swept(kept.size(), outcomes, complete, problems, kept, requests.withWritesByApp(writes), wallSeconds);
    }

    /** The same sweep with every app id (and its writes) moved from {@code from}'s subscriptions to {@code to}'s. */
    Swept inSubscriptionsOf(List<String> from, List<String> to) {
      Map<String, Decision> moved = new TreeMap<>();
      decisions.values().forEach(decision -> moved.put(moved(decision.resource(), from, to), decision));
      Map<String, List<String>> writes = new TreeMap<>();
      requests.writesByApp().forEach((id, list) -> writes.put(moved(id, from, to), list));
      return new Swept(decided, outcomes, complete, problems, moved, requests.withWritesByApp(writes), wallSeconds);
    }

    private static String moved(String id, List<String> from, List<String> to) {
      for (int s = 0; s < from.size(); s++) {
        id = id.replace("/" + from.get(s) + "/", "/" + to.get(s) + "/");
      }
      return id;
    }
  }

  private Swept armOnly(List<String> subscriptions, Mode mode, boolean dryRun) {
    Map<String, String> settings = BenchCommand.with(BenchCommand.with(limits, "DRIFTGUARD_MODE", mode.label()),
        "DRIFTGUARD_SWEEP_SOURCE", "arm");
    var sweeper = LocalAzureRun.builder(sandbox, LocalAzureRun.settings(sandbox, settings)).buildAll().sweeper();
    Map<String, Decision> decisions = new ConcurrentHashMap<>();
    int before = arm.requests().size();
    SweepSummary summary = sweeper.run(SweepRequest.oneOff(subscriptions, dryRun, Duration.ofHours(2)),
        recording(decisions));
    return new Swept(summary.decided(), summary.outcomes(), summary.complete(), summary.problems().size(),
        new TreeMap<>(decisions), botRequests(before), summary.elapsedMs() / 1000.0);
  }

  private record FannedOut(Swept swept, int sent, int received, int deleted) {}

  /**
   * Queues one message per subscription as the reconcile timer does, and lets {@code consumers} instances (each its own
   * engine, as a scale-out instance is) take one message at a time until every message is handled, handling each as
   * {@code SweepSubscription} does and deleting it when handled.
   */
  private FannedOut fannedOut(List<String> subscriptions, int consumers, Mode mode) throws InterruptedException {
    try (Azurite azurite = Azurite.start()) {
      Map<String, String> settings = new HashMap<>(limits);
      settings.put("DRIFTGUARD_MODE", mode.label());
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
      Map<String, Decision> decisions = new ConcurrentHashMap<>();
      Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      AtomicInteger decided = new AtomicInteger();
      AtomicInteger problems = new AtomicInteger();
      AtomicInteger received = new AtomicInteger();
      AtomicInteger deleted = new AtomicInteger();
      AtomicInteger incomplete = new AtomicInteger();
      int before = arm.requests().size();
      long start = System.nanoTime();
      List<SweepMessage> sent = instances.get(0).enqueueAll("bench-" + Long.toHexString(start)).messages();
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
            QueuedSweeps.Handled handled = instance.handle(items.get(0).getBody().toString(), recording(decisions));
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
      return new FannedOut(new Swept(decided.get(), counts, incomplete.get() == 0, problems.get(),
          new TreeMap<>(decisions), botRequests(before), wall), sent.size(), received.get(), deleted.get());
    }
  }

  /** Keeps each app's decision (its last, should a sweep decide an app twice). */
  private static SweepListener recording(Map<String, Decision> decisions) {
    return new SweepListener() {
      @Override
      public void decided(Decision decision) {
        decisions.put(decision.resource(), decision);
      }
    };
  }

  /**
   * The bot's requests since {@code before}, by kind; its writes also by kind ("PATCH config/web") and by app (each
   * write's method, path below the app and body, sorted); the requests ARM answered 429.
   */
  private record Requests(long graphQueries, long reads, long policyLists, long siteReads, long configReads,
                          long policyReads, long writes, Map<String, Long> writesByKind,
                          Map<String, List<String>> writesByApp, long throttledReads, long throttledWrites) {

    Requests withWritesByApp(Map<String, List<String>> byApp) {
      return new Requests(graphQueries, reads, policyLists, siteReads, configReads, policyReads, writes, writesByKind,
          byApp, throttledReads, throttledWrites);
    }
  }

  /** A site's or slot's id, and the path of the document below it ("" for the site itself). */
  private static final Pattern APP_PATH = Pattern.compile("(?i)(.*/sites/[^/]+(?:/slots/[^/]+)?)(/.*)?");

  private Requests botRequests(int before) {
    List<RecordedRequest> requests = arm.requests().subList(before, arm.requests().size()).stream()
        .filter(request -> sandbox.botObjectId().equals(request.callerObjectId())).toList();
    List<RecordedRequest> gets = requests.stream().filter(request -> request.method().equals("GET")).toList();
    List<RecordedRequest> writes = requests.stream()
        .filter(request -> !request.method().equals("GET") && !FakeArm.isResourceGraphQuery(request)).toList();
    Map<String, Long> writesByKind = new TreeMap<>();
    Map<String, List<String>> writesByApp = new TreeMap<>();
    for (RecordedRequest write : writes) {
      Matcher app = APP_PATH.matcher(write.path());
      String document = !app.matches() ? write.path() : app.group(2) == null ? "site" : app.group(2).substring(1);
      writesByKind.merge(write.method() + " " + document, 1L, Long::sum);
      if (app.matches() && write.status() / 100 == 2) {
        writesByApp.computeIfAbsent(app.group(1), id -> new ArrayList<>())
            .add(write.method() + " " + document + " " + write.body());
      }
    }
    writesByApp.values().forEach(Collections::sort);
    return new Requests(requests.size() - gets.size() - writes.size(), gets.size(),
        count(gets, path -> path.endsWith("/basicPublishingCredentialsPolicies")),
        count(gets, path -> path.matches("(?i).*/sites/[^/]+(/slots/[^/]+)?")), count(gets, path -> path.endsWith("/config/web")),
        count(gets, path -> path.contains("/basicPublishingCredentialsPolicies/")), writes.size(), writesByKind,
        writesByApp, gets.stream().filter(EstateBench::throttled).count(),
        writes.stream().filter(EstateBench::throttled).count());
  }

  private static boolean throttled(RecordedRequest request) {
    return request.status() == 429;
  }

  private static long count(List<RecordedRequest> requests, Predicate<String> path) {
    return requests.stream().filter(request -> path.test(request.path())).count();
  }

  /** How long ARM's read bucket needs for one subscription's reads: what is beyond its burst, at its refill rate. */
  private double floorPerSubscription(long reads) {
    return BenchCommand.floor(reads, throttle.readCapacity(), throttle.readRefillPerSecond(), 0, 1, 1);
  }
}
