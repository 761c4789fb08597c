package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;

/**
 * Keeps an event's ARM calls inside its budget: no try starts after the deadline (a wait for a retry that reaches past
 * it fails at once in {@link ArmRetryPolicy}), so the delivery ends before Event Grid gives up on it and sends it again.
 */
final class DeadlinePolicy extends ArmPolicy {

  @Override
  void before(HttpPipelineCallContext context) {
    if (CallBudget.of(context).remaining().isNegative()) {
      throw new FailFastException("the event's time budget is spent");
    }
  }
}
