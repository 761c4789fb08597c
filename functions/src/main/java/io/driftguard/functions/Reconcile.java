package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.SweepQueue;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.sweep.Sweeper;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Finds drift no event announced (present before driftguard was deployed, or whose events were dropped): sweeps every
 * function app and slot of {@code DRIFTGUARD_SUBSCRIPTIONS} on {@code DRIFTGUARD_RECONCILE_SCHEDULE} with the same
 * engine and modes as events. With the Functions storage account's queue at hand it queues one sweep per subscription
 * ({@link SweepSubscription} runs them, on as many instances as the host scales to); without it, it sweeps them here.
 * A sweep that reaches {@code DRIFTGUARD_RECONCILE_TIME_LIMIT} checkpoints; the next run resumes.
 */
public class Reconcile {

  static final String SWEEP_NAME = "reconcile";

  private final Supplier<Settings> settings;
  private final Supplier<Sweeper> sweeper;
  private final Supplier<Optional<QueuedSweeps>> queuedSweeps;

  /** Used by the Functions host. */
  public Reconcile() {
    this(() -> SharedEngine.get().settings(), () -> SharedEngine.get().parts().sweeper(),
        () -> SharedEngine.get().parts().queuedSweeps());
  }

  Reconcile(Supplier<Settings> settings, Supplier<Sweeper> sweeper, Supplier<Optional<QueuedSweeps>> queuedSweeps) {
    this.settings = settings;
    this.sweeper = sweeper;
    this.queuedSweeps = queuedSweeps;
  }

  @FunctionName("Reconcile")
  public void run(@TimerTrigger(name = "timer", schedule = "%" + Settings.RECONCILE_SCHEDULE + "%") String timer,
                  ExecutionContext context) {
    Logger log = context.getLogger();
    Settings current = settings.get();
    if (current.subscriptions().isEmpty()) {
      log.severe("driftguard cannot reconcile: " + Settings.SUBSCRIPTIONS + " must list the subscriptions to sweep");
      return;
    }
    Optional<QueuedSweeps> fanOut = queuedSweeps.get();
    if (fanOut.isPresent()) {
      QueuedSweeps.Queued queued = fanOut.get().enqueueAll(context.getInvocationId());
      log.info("driftguard reconcile " + context.getInvocationId() + " queued " + queued.messages().size()
          + " subscription sweeps on " + SweepQueue.NAME + " and deleted " + queued.claimsDeleted()
          + " expired claims");
      if (!queued.unswept().isEmpty()) {
        log.severe("driftguard reconcile " + context.getInvocationId() + ": the sweeps of the last two runs did not run"
            + " for subscriptions " + queued.unswept() + " (raised as severity-1 rows)");
      }
      return;
    }
    SweepSummary summary = sweeper.get().run(
        SweepRequest.resumable(SWEEP_NAME, current.subscriptions().stream().sorted().toList(), false,
            current.sweeps().reconcileTimeLimit()),
        loggingFindings(log));
    log.info("driftguard reconcile " + describe(summary));
  }

  /** Logs each decision that has findings, as events do. */
  static SweepListener loggingFindings(Logger log) {
    return new SweepListener() {
      @Override
      public void decided(Decision decision) {
        if (!decision.findings().isEmpty()) {
          log.info(DecisionJson.toJson(decision));
        }
      }
    };
  }

  static String describe(SweepSummary summary) {
    return summary.runId() + (summary.complete() ? " finished: " : " stopped at its time limit"
        + " (the next run resumes): ") + summary.decided() + " apps and slots, " + summary.outcomes() + ", "
        + summary.listReads() + " list reads, " + summary.elapsedMs() + " ms"
        + (summary.problems().isEmpty() ? "" : "; problems: " + summary.problems());
  }
}
