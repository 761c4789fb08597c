package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import io.driftguard.fanout.QueuedSweeps;
import io.driftguard.fanout.SweepQueue;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A sweep message the host gave up on ({@link SweepSubscription} failed on every delivery): logged as an error and
 * reported as a failed finding row (severity 1), which the findings alert rule turns into a notification.
 */
public class SweepAbandoned {

  private final Supplier<Optional<QueuedSweeps>> queuedSweeps;

  /** Used by the Functions host. */
  public SweepAbandoned() {
    this(() -> SharedEngine.get().parts().queuedSweeps());
  }

  SweepAbandoned(Supplier<Optional<QueuedSweeps>> queuedSweeps) {
    this.queuedSweeps = queuedSweeps;
  }

  @FunctionName("SweepAbandoned")
  public void run(@QueueTrigger(name = "message", queueName = SweepQueue.POISON_NAME,
                      connection = SweepSubscription.CONNECTION) String message,
                  @BindingName("Id") String messageId, ExecutionContext context) {
    context.getLogger().severe("driftguard " + SweepSubscription.fanOut(queuedSweeps).abandoned(message, messageId));
  }
}
