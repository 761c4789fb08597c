package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.sweep.SweepListener;
import io.driftguard.sweep.SweepRequest;
import io.driftguard.sweep.SweepSummary;
import io.driftguard.sweep.Sweeper;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Finds drift no event announced (present before driftguard was deployed, or whose events were dropped): sweeps every
 * function app and slot of {@code DRIFTGUARD_SUBSCRIPTIONS} on {@code DRIFTGUARD_RECONCILE_SCHEDULE} with the same
 * engine and modes as events. A run that reaches {@code DRIFTGUARD_RECONCILE_TIME_LIMIT} checkpoints; the next resumes.
 */
public class Reconcile {

  static final String SWEEP_NAME = "reconcile";

  private final Supplier<Settings> settings;
  private final Supplier<Sweeper> sweeper;

  /** Used by the Functions host. */
  public Reconcile() {
    this(() -> SharedEngine.get().settings(), () -> SharedEngine.get().parts().sweeper());
  }

  Reconcile(Supplier<Settings> settings, Supplier<Sweeper> sweeper) {
    this.settings = settings;
    this.sweeper = sweeper;
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
    SweepSummary summary = sweeper.get().run(
        SweepRequest.resumable(SWEEP_NAME, current.subscriptions().stream().sorted().toList(), false,
            current.sweeps().reconcileTimeLimit()),
        new SweepListener() {
          @Override
          public void decided(Decision decision) {
            if (!decision.findings().isEmpty()) {
              log.info(DecisionJson.toJson(decision));
            }
          }
        });
    log.info("driftguard reconcile " + summary.runId() + (summary.complete() ? " finished: " : " stopped at its time limit"
        + " (the next run resumes): ") + summary.decided() + " apps and slots, " + summary.outcomes() + ", "
        + summary.listReads() + " list reads, " + summary.elapsedMs() + " ms"
        + (summary.problems().isEmpty() ? "" : "; problems: " + summary.problems()));
  }
}
