package io.driftguard.sweep;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to sweep: the subscriptions, in order; whether to act (fix and report per modes) or only look (dry run);
 * how long the run may take before it stops; and, for a resumable sweep, the name its checkpoint is kept under
 * (a one-off sweep, such as a person's scan, neither resumes nor leaves a checkpoint).
 */
public record SweepRequest(Optional<String> checkpointName, List<String> subscriptions, boolean dryRun, Duration timeLimit) {

  /** A sweep that checkpoints under {@code name} when it reaches its time limit, and resumes from there. */
  public static SweepRequest resumable(String name, List<String> subscriptions, boolean dryRun, Duration timeLimit) {
    return new SweepRequest(Optional.of(name), subscriptions, dryRun, timeLimit);
  }

  /** A sweep that runs from the start and keeps no checkpoint. */
  public static SweepRequest oneOff(List<String> subscriptions, boolean dryRun, Duration timeLimit) {
    return new SweepRequest(Optional.empty(), subscriptions, dryRun, timeLimit);
  }


  public SweepRequest {
    subscriptions = List.copyOf(subscriptions);
    if (subscriptions.isEmpty()) {
      throw new IllegalArgumentException("a sweep needs at least one subscription");
    }
  }
}
