package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import java.util.List;

/**
 * Where decisions that people must see go (alerts). Called once per event after the actions, before the event is
 * acknowledged; a failure to publish must throw, so the event is delivered again and nothing is lost.
 */
public interface FindingsSink {

  /** Reports decisions only in the decision output (stdout, function log). */
  FindingsSink DECISION_OUTPUT_ONLY = new FindingsSink() {
    @Override
    public void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision) {}

    @Override
    public void publishRefusedListing(Decision refusal, String runId) {}
  };

  /** {@code alsoAnswered}: the other events the evaluation of {@code event} answered (coalesced); named too. */
  void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision);

  /** A listed site that sweep {@code runId} refused to touch: no event stands behind it, only the refusal. */
  void publishRefusedListing(Decision refusal, String runId);
}
