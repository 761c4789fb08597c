package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.engine.Arrival;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.CallBudget;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One sweep run's bookkeeping, whichever way it lists: its id, its time limit on the injected ticker, the checkpoint
 * it resumed from and the one it leaves, what it decided and read, and the problems it met. The listing strategies
 * ({@link ArmListingSweep}, {@link CandidateSweep}) hand it sites; it trusts, decides and counts them.
 */
final class SweepRun {

  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final Remediator engine;
  private final SweepCheckpoints checkpoints;
  private final Duration callBudget;
  private final Ticker ticker;
  private final SweepRequest request;
  private final SweepListener listener;
  private final Optional<SweepCheckpoint> resume;
  /** A stored checkpoint was refused: the run starts over, and clears it when it completes. */
  private boolean checkpointRefused;
  private final String runId;
  private final long startNanos;
  private final long deadlineNanos;
  private final Map<Outcome, AtomicInteger> outcomes = new EnumMap<>(Outcome.class);
  private final AtomicInteger decided = new AtomicInteger();
  private final AtomicInteger listReads = new AtomicInteger();
  private final AtomicInteger notFunctionApps = new AtomicInteger();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  SweepRun(SweepRequest request, SweepListener listener, Remediator engine, SweepCheckpoints checkpoints,
           Duration callBudget, Clock clock, Ticker ticker) {
    this.engine = engine;
    this.checkpoints = checkpoints;
    this.callBudget = callBudget;
    this.ticker = ticker;
    this.request = request;
    this.listener = listener;
    this.startNanos = ticker.nanos();
    this.resume = loadCheckpoint();
    this.runId = resume.map(SweepCheckpoint::runId).orElseGet(() -> RUN_ID.format(clock.instant()) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
    this.deadlineNanos = startNanos + request.timeLimit().toNanos();
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, new AtomicInteger());
    }
  }

  private Optional<SweepCheckpoint> loadCheckpoint() {
    try {
      return request.checkpointName().flatMap(checkpoints::load)
          .filter(checkpoint -> request.subscriptions().contains(checkpoint.subscription()));
    } catch (SweepCheckpoints.UnreadableCheckpointException e) {
      problems.add(e.getMessage());
      checkpointRefused = true;
      return Optional.empty();
    }
  }

  SweepRequest request() {
    return request;
  }

  SweepListener listener() {
    return listener;
  }

  /** The checkpoint this run resumes from, if it was left by a run that listed from {@code source}. */
  Optional<SweepCheckpoint> resumedFrom(SweepSource source) {
    return resume.filter(checkpoint -> checkpoint.source() == source);
  }

  void problem(String problem) {
    problems.add(problem);
  }

  void notAFunctionApp() {
    notFunctionApps.incrementAndGet();
  }

  /** One listing call within its own budget, its reads counted with the run's. */
  <T> T listing(Function<CallBudget, T> call) {
    CallBudget budget = new CallBudget(callBudget, ticker);
    try {
      return call.apply(budget);
    } finally {
      listReads.addAndGet(budget.reads());
    }
  }

  /** Sweeps a page's items, several at a time; returns how many at its start are done (the rest ran out of time). */
  <T> int sweepPage(List<T> items, Predicate<T> sweepOne, ExecutorService workers) {
    List<CompletableFuture<Boolean>> work = new ArrayList<>();
    for (T item : items) {
      work.add(CompletableFuture.supplyAsync(() -> !outOfTime() && sweepOne.test(item), workers));
    }
    int done = 0;
    for (CompletableFuture<Boolean> site : work) {
      if (!site.join()) {
        break;
      }
      done++;
    }
    return done;
  }

  /**
   * The site or slot a listed document names, when its id parses as strictly as an event's and belongs to the
   * subscription listed; else a failed decision, and empty.
   */
  Optional<SiteRef> trusted(String subscription, JsonNode listed) {
    String id = listed.path("id").asText("");
    String refusal;
    try {
      SiteRef site = ResourceIds.parse(id).site();
      if (site.subscriptionId().equalsIgnoreCase(subscription)) {
        return Optional.of(site);
      }
      refusal = "the listing of subscription " + subscription + " named a site of another subscription; not touched";
    } catch (InvalidResourceIdException e) {
      refusal = "a listed site's id was refused (" + e.getMessage() + "); not touched";
    }
    refuse(id, refusal);
    return Optional.empty();
  }

  /** The swept subscription a site or slot id names, as the request spells it; empty for any other id. */
  Optional<String> sweptSubscriptionOf(String id) {
    try {
      String subscription = ResourceIds.parse(id).site().subscriptionId();
      return request.subscriptions().stream().filter(subscription::equalsIgnoreCase).findFirst();
    } catch (InvalidResourceIdException e) {
      return Optional.empty();
    }
  }

  /** A listed site, decided on what the listing showed. */
  void decideListed(SiteRef site, JsonNode listed) {
    count(engine.handle(Arrival.listed(site, listed, runId, request.dryRun())));
  }

  /** A candidate an index named, decided on a fresh read. */
  void decideCandidate(SiteRef site) {
    count(engine.handle(Arrival.candidate(site, runId, request.dryRun())));
  }

  /** A listed id not touched, recorded as a failed decision with the reason. */
  void refuse(String id, String refusal) {
    problems.add(refusal);
    count(engine.handle(Arrival.refused(id, refusal, runId, request.dryRun())));
  }

  private void count(Decision decision) {
    outcomes.get(decision.outcome()).incrementAndGet();
    decided.incrementAndGet();
    listener.decided(decision);
  }

  boolean outOfTime() {
    return ticker.nanos() >= deadlineNanos;
  }

  /** The run finished: a checkpoint it resumed from, or refused, is cleared. */
  SweepSummary completed() {
    if (resume.isPresent() || checkpointRefused) {
      checkpoints.clear(request.checkpointName().orElseThrow());
    }
    return summary(true);
  }

  /** Stops at a listing's page: where the next run resumes. */
  SweepSummary stopListing(String subscription, Optional<String> skipToken, int doneInPage) {
    request.checkpointName().ifPresent(name ->
        checkpoints.save(name, SweepCheckpoint.listing(runId, subscription, skipToken, doneInPage)));
    return summary(false);
  }

  /** Keeps where a Resource Graph sweep stopped: the page it was in, and the last candidate it finished there. */
  SweepSummary stopCandidates(Optional<String> skipToken, Optional<String> lastId) {
    request.checkpointName().ifPresent(name -> checkpoints.save(name, SweepCheckpoint.resourceGraph(runId,
        lastId.flatMap(this::sweptSubscriptionOf).orElse(request.subscriptions().get(0)), skipToken, lastId)));
    return summary(false);
  }

  private SweepSummary summary(boolean complete) {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    outcomes.forEach((outcome, count) -> {
      if (count.get() > 0) {
        counts.put(outcome, count.get());
      }
    });
    return new SweepSummary(runId, complete, decided.get(), counts, listReads.get(), notFunctionApps.get(), problems,
        ticker.millisSince(startNanos));
  }
}
