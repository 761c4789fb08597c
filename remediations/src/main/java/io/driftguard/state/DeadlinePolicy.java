package io.driftguard.state;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpResponse;
import java.time.Duration;

/**
 * Keeps an event's ARM calls inside its budget: no try starts after the deadline, and a Retry-After that reaches past
 * it fails at once instead of sleeping, so the delivery ends before Event Grid gives up on it and sends it again.
 */
final class DeadlinePolicy extends ArmPolicy {

  @Override
  void before(HttpPipelineCallContext context) {
    if (CallBudget.of(context).remaining().isNegative()) {
      throw new FailFastException("the event's time budget is spent");
    }
  }

  @Override
  void after(HttpPipelineCallContext context, HttpResponse response) {
    String retryAfter = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
    if (retryAfter == null || !(response.getStatusCode() == 429 || response.getStatusCode() >= 500)) {
      return;
    }
    try {
      Duration wait = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
      Duration remaining = CallBudget.of(context).remaining();
      if (wait.compareTo(remaining) > 0) {
        throw new FailFastException("ARM answered " + response.getStatusCode() + " with Retry-After " + wait.toSeconds()
            + " s, beyond the event's remaining " + remaining.toMillis() + " ms");
      }
    } catch (NumberFormatException e) {
      // An HTTP-date Retry-After: the retry policy honours it; the next try's deadline check still applies.
    }
  }
}
