package io.driftguard.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftguard.engine.Arrival;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Outcome;
import io.driftguard.engine.Remediator;
import io.driftguard.resource.HostingModel;
import io.driftguard.resource.InvalidResourceIdException;
import io.driftguard.resource.ResourceIds;
import io.driftguard.resource.SiteRef;
import io.driftguard.state.ArmException;
import io.driftguard.state.ArmGateway;
import io.driftguard.state.ArmGateway.SitePage;
import io.driftguard.state.CallBudget;
import io.driftguard.state.SiteState;
import io.driftguard.controls.Control;
import io.driftguard.sweep.CandidateLister.Candidate;
import io.driftguard.sweep.CandidateLister.CandidatePage;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Evaluates every function app and slot of some subscriptions, as events would: drift that no event announced (present
 * before driftguard was deployed, or whose events Event Grid dropped) is found and fixed or reported by the same
 * engine. The site list gives each site's document, so a function app costs only the other documents its controls need
 * and its slot list. Reads go through the same rate limiter as events, several at a time; a run that reaches its time
 * limit checkpoints after the sites it finished, and the next run resumes there.
 *
 * <p>With a {@link CandidateLister} (Resource Graph), only the apps it names are read, each afresh (an app named only
 * for the documents the index does not hold has just those read first, and is read afresh if they show drift); when it
 * cannot be used (the identity may not read it), the run says so and lists through ARM instead. A run cut short keeps a
 * checkpoint of its own (the page's skip token and the last candidate done, by id, in the answer's id order), and the
 * next resumes after it: otherwise, in notify mode (where nothing leaves the answer), a run that never finishes
 * re-reads the head of the answer each time and never reaches its tail. The time limit is kept on the injected clock.
 */
public final class Sweeper {

  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final Remediator engine;
  private final ArmGateway gateway;
  private final SweepCheckpoints checkpoints;
  private final int parallelism;
  private final Duration callBudget;
  private final Clock clock;
  private final Ticker ticker;
  private final Optional<CandidateLister> candidates;

  /**
   * @param callBudget how long one listing call may take, as one event may: the time limit decides whether work
   *     starts, never cuts a site short
   * @param candidates the index that names candidates, or empty to list every site through ARM
   */
  public Sweeper(Remediator engine, ArmGateway gateway, SweepCheckpoints checkpoints, int parallelism,
                 Duration callBudget, Clock clock, Ticker ticker, Optional<CandidateLister> candidates) {
    this.engine = engine;
    this.gateway = gateway;
    this.checkpoints = checkpoints;
    this.parallelism = parallelism;
    this.callBudget = callBudget;
    this.clock = clock;
    this.ticker = ticker;
    this.candidates = candidates;
  }

  public SweepSummary run(SweepRequest request, SweepListener listener) {
    Run run = new Run(request, listener);
    ExecutorService workers = Executors.newFixedThreadPool(parallelism, runnable -> {
      Thread thread = new Thread(runnable, "driftguard-sweep");
      thread.setDaemon(true);
      return thread;
    });
    try {
      return candidates.isPresent() ? run.sweepCandidates(candidates.get(), workers) : run.sweep(workers);
    } finally {
      workers.shutdownNow();
    }
  }

  /** One run's state: where it is, what it counted. */
  private final class Run {
    private final SweepRequest request;
    private final SweepListener listener;
    private final Optional<SweepCheckpoint> resume;
    /** A stored checkpoint was refused: the run starts over, and clears it when it completes. */
    private boolean checkpointRefused;
    private final String runId;
    private final long startNanos = ticker.nanos();
    private final long deadlineNanos;
    private final Map<Outcome, AtomicInteger> outcomes = new EnumMap<>(Outcome.class);
    private final AtomicInteger decided = new AtomicInteger();
    private final AtomicInteger listReads = new AtomicInteger();
    private final AtomicInteger notFunctionApps = new AtomicInteger();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    Run(SweepRequest request, SweepListener listener) {
      this.request = request;
      this.listener = listener;
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

    SweepSummary sweep(ExecutorService workers) {
      List<String> subscriptions = request.subscriptions();
      Optional<SweepCheckpoint> from = resume.filter(checkpoint -> checkpoint.source() == SweepSource.ARM);
      int first = from.map(checkpoint -> subscriptions.indexOf(checkpoint.subscription())).orElse(0);
      for (int index = first; index < subscriptions.size(); index++) {
        String subscription = subscriptions.get(index);
        boolean resuming = index == first && from.isPresent();
        Optional<String> skipToken = resuming ? from.get().skipToken() : Optional.empty();
        int skip = resuming ? from.get().doneInPage() : 0;
        while (true) {
          if (outOfTime()) {
            return stop(subscription, skipToken, skip);
          }
          SitePage listed;
          try {
            listed = listPage(subscription, skipToken);
          } catch (ArmException e) {
            problems.add(e.getMessage());
            if (e.isRetryable()) {
              return stop(subscription, skipToken, skip);
            }
            break;
          }
          listener.listed(subscription, listed.sites().size());
          List<JsonNode> sites = listed.sites().subList(Math.min(skip, listed.sites().size()), listed.sites().size());
          int done = sweepPage(sites, site -> sweepSite(subscription, site), workers);
          if (done < sites.size()) {
            return stop(subscription, skipToken, skip + done);
          }
          if (listed.skipToken().isEmpty()) {
            break;
          }
          skipToken = listed.skipToken();
          skip = 0;
        }
      }
      if (resume.isPresent() || checkpointRefused) {
        checkpoints.clear(request.checkpointName().orElseThrow());
      }
      return summary(true);
    }

    /**
     * Sweeps the candidates an index names, page by page, each confirmed by a fresh read, from a Resource Graph
     * checkpoint if there is one: its page again, after its last id. An index the identity may not use (or that
     * refuses the query) on its first page turns the run into an ARM listing, and the summary says so; a resumed page
     * it refuses (its token too old, or not its own) starts the run over from the first page, and says so.
     */
    SweepSummary sweepCandidates(CandidateLister lister, ExecutorService workers) {
      Optional<SweepCheckpoint> from = resume.filter(checkpoint -> checkpoint.source() == SweepSource.RESOURCE_GRAPH);
      Optional<String> skipToken = from.flatMap(SweepCheckpoint::skipToken);
      Optional<String> lastId = from.flatMap(SweepCheckpoint::lastId);
      boolean firstPage = true;
      while (true) {
        if (outOfTime()) {
          return stopCandidates(skipToken, lastId);
        }
        CandidatePage page;
        CallBudget budget = new CallBudget(callBudget, ticker);
        try {
          page = lister.page(request.subscriptions(), skipToken, budget);
        } catch (ArmException e) {
          if (firstPage && !e.isRetryable() && skipToken.isPresent()) {
            problems.add("the Resource Graph page the checkpoint names was refused, so the sweep started over: "
                + e.getMessage());
            skipToken = Optional.empty();
            lastId = Optional.empty();
            continue;
          }
          if (firstPage && !e.isRetryable()) {
            problems.add("Resource Graph could not be used, so every site was listed through ARM instead: "
                + e.getMessage());
            return sweep(workers);
          }
          problems.add(e.getMessage());
          return stopCandidates(skipToken, lastId);
        } finally {
          listReads.addAndGet(budget.reads());
        }
        firstPage = false;
        listener.listed("Resource Graph", page.candidates().size());
        List<Candidate> rest = after(page.candidates(), lastId);
        int done = sweepPage(rest, this::confirmCandidate, workers);
        if (done < rest.size()) {
          Optional<String> doneLast = lastTrusted(rest.subList(0, done));
          return stopCandidates(skipToken, doneLast.isPresent() ? doneLast : lastId);
        }
        if (page.skipToken().isEmpty()) {
          break;
        }
        skipToken = page.skipToken();
        lastId = Optional.empty();
      }
      if (resume.isPresent() || checkpointRefused) {
        checkpoints.clear(request.checkpointName().orElseThrow());
      }
      return summary(true);
    }

    /** The candidates after {@code lastId} in the answer's order (by id, which ARM compares ignoring case). */
    private List<Candidate> after(List<Candidate> candidates, Optional<String> lastId) {
      if (lastId.isEmpty()) {
        return candidates;
      }
      String last = lastId.get().toLowerCase(Locale.ROOT);
      return candidates.stream()
          .filter(candidate -> candidate.row().path("id").asText("").toLowerCase(Locale.ROOT).compareTo(last) > 0)
          .toList();
    }

    /** The id of the last of {@code done} that names a site or slot of a swept subscription: one a checkpoint holds. */
    private Optional<String> lastTrusted(List<Candidate> done) {
      for (int index = done.size() - 1; index >= 0; index--) {
        String id = done.get(index).row().path("id").asText("");
        if (sweptSubscriptionOf(id).isPresent()) {
          return Optional.of(id);
        }
      }
      return Optional.empty();
    }

    private Optional<String> sweptSubscriptionOf(String id) {
      try {
        String subscription = ResourceIds.parse(id).site().subscriptionId();
        return request.subscriptions().stream().filter(subscription::equalsIgnoreCase).findFirst();
      } catch (InvalidResourceIdException e) {
        return Optional.empty();
      }
    }

    /**
     * Reads a candidate afresh and decides it, if it names a site or slot of a swept subscription; one the index saw
     * nothing wrong with is first screened on the documents the index does not hold.
     */
    private boolean confirmCandidate(Candidate flagged) {
      JsonNode candidate = flagged.row();
      String named = candidate.path("subscriptionId").asText("");
      Optional<String> swept = request.subscriptions().stream().filter(named::equalsIgnoreCase).findFirst();
      if (swept.isEmpty()) {
        String refusal = "Resource Graph named a site outside the swept subscriptions; not touched";
        problems.add(refusal);
        count(engine.handle(Arrival.refused(candidate.path("id").asText(""), refusal, runId, request.dryRun())));
        return true;
      }
      trusted(swept.get(), candidate).filter(site -> flagged.readFirst().isEmpty() || screen(site, flagged.readFirst()))
          .ifPresent(site -> count(engine.handle(Arrival.candidate(site, runId, request.dryRun()))));
      return true;
    }

    private boolean screen(SiteRef site, List<Control> controls) {
      CallBudget budget = new CallBudget(callBudget, ticker);
      try {
        return UnindexedDocuments.mayShowDrift(gateway, site, controls, budget);
      } finally {
        listReads.addAndGet(budget.reads());
      }
    }

    /** Sweeps a page's items, several at a time; returns how many at its start are done (the rest ran out of time). */
    private <T> int sweepPage(List<T> items, Predicate<T> sweepOne, ExecutorService workers) {
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
     * Evaluates a function app and its slots; other sites are passed over without a read. A listed id that does not
     * parse, or names another subscription than the one listed, is a failure, never passed over. Returns false when
     * its slots could not be listed for now: the site is not finished, and a resumed run starts again with it.
     */
    private boolean sweepSite(String subscription, JsonNode listed) {
      Optional<SiteRef> site = trusted(subscription, listed);
      if (site.isEmpty()) {
        return true;
      }
      if (!SiteState.isFunctionAppKind(listed.path("kind").asText(""))) {
        notFunctionApps.incrementAndGet();
        return true;
      }
      decide(site.get(), listed);
      if (!HostingModel.of(listed).hasSlots()) {
        return true;
      }
      CallBudget budget = new CallBudget(callBudget, ticker);
      try {
        for (JsonNode slot : gateway.listSlots(site.get(), budget)) {
          trusted(subscription, slot).ifPresent(slotRef -> decide(slotRef, slot));
        }
        return true;
      } catch (ArmException e) {
        problems.add(e.getMessage());
        return !e.isRetryable();
      } finally {
        listReads.addAndGet(budget.reads());
      }
    }

    /**
     * The site or slot a listed document names, when its id parses as strictly as an event's and belongs to the
     * subscription listed; else a failed decision, and empty.
     */
    private Optional<SiteRef> trusted(String subscription, JsonNode listed) {
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
      problems.add(refusal);
      count(engine.handle(Arrival.refused(id, refusal, runId, request.dryRun())));
      return Optional.empty();
    }

    private void decide(SiteRef site, JsonNode listed) {
      count(engine.handle(Arrival.listed(site, listed, runId, request.dryRun())));
    }

    private void count(Decision decision) {
      outcomes.get(decision.outcome()).incrementAndGet();
      decided.incrementAndGet();
      listener.decided(decision);
    }

    private SitePage listPage(String subscription, Optional<String> skipToken) {
      CallBudget budget = new CallBudget(callBudget, ticker);
      try {
        return gateway.listSites(subscription, skipToken, budget);
      } finally {
        listReads.addAndGet(budget.reads());
      }
    }

    private SweepSummary stop(String subscription, Optional<String> skipToken, int doneInPage) {
      request.checkpointName().ifPresent(name ->
          checkpoints.save(name, SweepCheckpoint.listing(runId, subscription, skipToken, doneInPage)));
      return summary(false);
    }

    /** Keeps where a Resource Graph sweep stopped: the page it was in, and the last candidate it finished there. */
    private SweepSummary stopCandidates(Optional<String> skipToken, Optional<String> lastId) {
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

    private boolean outOfTime() {
      return ticker.nanos() >= deadlineNanos;
    }
  }
}
