package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.QueuedSweeps.Handled;
import io.driftguard.fanout.SweepQueue;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Sweeps the one subscription a {@link Reconcile} message names. Returning deletes the message: a sweep that ran, a
 * message refused as not driftguard's, or one skipped because another instance is sweeping that subscription now.
 * Throwing (storage or an unexpected failure) makes the host deliver it again, up to {@code maxDequeueCount} in
 * host.json; then the host moves it to the poison queue, which {@link SweepAbandoned} reports.
 */
public class SweepSubscription {

  /** The Functions host's own storage account (identity-based in Azure: {@code AzureWebJobsStorage__*}). */
  static final String CONNECTION = "AzureWebJobsStorage";

  private final Supplier<Optional<QueuedSweeps>> queuedSweeps;

  /** Used by the Functions host. */
  public SweepSubscription() {
    this(() -> SharedEngine.get().parts().queuedSweeps());
  }

  SweepSubscription(Supplier<Optional<QueuedSweeps>> queuedSweeps) {
    this.queuedSweeps = queuedSweeps;
  }

  @FunctionName("SweepSubscription")
  public void run(@QueueTrigger(name = "message", queueName = SweepQueue.NAME, connection = CONNECTION) String message,
                  ExecutionContext context) {
    Logger log = context.getLogger();
    Handled handled = fanOut(queuedSweeps).handle(message, Reconcile.loggingFindings(log));
    handled.warning().ifPresent(warning -> log.warning("driftguard " + warning));
    switch (handled.verdict()) {
      case REFUSED -> log.warning("driftguard " + handled.explanation());
      case SKIPPED -> log.info("driftguard " + handled.explanation());
      case SWEPT -> log.info("driftguard " + handled.explanation() + ": sweep "
          + Reconcile.describe(handled.summary().orElseThrow()));
    }
  }

  /** The fan-out, which a queued message presupposes: its absence is a wiring fault the host retries and reports. */
  static QueuedSweeps fanOut(Supplier<Optional<QueuedSweeps>> queuedSweeps) {
    return queuedSweeps.get().orElseThrow(() -> new IllegalStateException(
        "a sweep message arrived but no storage queue is configured (AzureWebJobsStorage or its __queueServiceUri)"));
  }
}
