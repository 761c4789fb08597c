package io.driftguard.sweep;

import io.driftguard.engine.Remediator;
import io.driftguard.state.ArmGateway;
import io.driftguard.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
 *
 * <p>A run's bookkeeping is {@link SweepRun}'s; the two ways to list are {@link ArmListingSweep} and
 * {@link CandidateSweep}.
 */
public final class Sweeper {

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
    SweepRun run = new SweepRun(request, listener, engine, checkpoints, callBudget, clock, ticker);
    ExecutorService workers = Executors.newFixedThreadPool(parallelism, runnable -> {
      Thread thread = new Thread(runnable, "driftguard-sweep");
      thread.setDaemon(true);
      return thread;
    });
    try {
      ArmListingSweep listing = new ArmListingSweep(run, gateway, workers);
      return candidates.isPresent()
          ? new CandidateSweep(run, candidates.get(), gateway, workers, listing).sweep() : listing.sweep();
    } finally {
      workers.shutdownNow();
    }
  }
}
