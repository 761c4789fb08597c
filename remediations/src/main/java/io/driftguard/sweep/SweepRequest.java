package io.driftguard.sweep;

import java.time.Duration;
import java.util.List;

/**
 * What to sweep: the subscriptions, in order; whether to act (fix and report per modes) or only look (dry run);
 * how long the run may take before it stops and checkpoints; and the name its checkpoint is kept under.
 */
public record SweepRequest(String name, List<String> subscriptions, boolean dryRun, Duration timeLimit) {

  public SweepRequest {
    subscriptions = List.copyOf(subscriptions);
    if (subscriptions.isEmpty()) {
      throw new IllegalArgumentException("a sweep needs at least one subscription");
    }
  }
}
