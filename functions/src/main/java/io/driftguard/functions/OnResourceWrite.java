package io.driftguard.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.engine.Remediator;
import io.driftguard.intake.MalformedDeliveryException;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Receives the subscription's {@code ResourceWriteSuccess} events. Returning acknowledges the delivery; throwing makes
 * Event Grid deliver it again, which is what a retryable failure (throttling, ARM errors, timeouts) needs.
 */
public class OnResourceWrite {

  private final Supplier<Remediator> engine;

  /** Used by the Functions host: the engine is built once per host from the app settings. */
  public OnResourceWrite() {
    this(() -> SharedEngine.get().engine());
  }

  OnResourceWrite(Supplier<Remediator> engine) {
    this.engine = engine;
  }

  @FunctionName("OnResourceWrite")
  public void run(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
    List<Decision> decisions;
    try {
      decisions = engine.get().handleDelivery(event);
    } catch (MalformedDeliveryException e) {
      // Redelivering an unreadable event cannot help: acknowledge it and say why.
      context.getLogger().warning("driftguard refused a delivery: " + e.getMessage());
      return;
    }
    for (Decision decision : decisions) {
      context.getLogger().log(decision.retryable() ? Level.WARNING : Level.INFO, DecisionJson.toJson(decision));
      if (decision.retryable()) {
        throw new RetryableFailureException(decision.eventId(), decision.reason());
      }
    }
  }
}
