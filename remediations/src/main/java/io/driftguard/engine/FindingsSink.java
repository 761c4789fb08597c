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
    public void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision, List<Notice> notices) {}

    @Override
    public void publishRefusedListing(Decision refusal, String runId) {}

    @Override
    public void sweepAbandoned(String subscription, String messageId, String problem) {}
  };

  /**
   * {@code alsoAnswered}: the other events the evaluation of {@code event} answered (coalesced); named too.
   * {@code notices}: the steps of the findings' lives to report; a failed decision without findings is driftguard's own
   * failure.
   */
  void publish(WriteEvent event, List<WriteEvent> alsoAnswered, Decision decision, List<Notice> notices);

  /** A listed site that sweep {@code runId} refused to touch: no event stands behind it, only the refusal. */
  void publishRefusedListing(Decision refusal, String runId);

  /**
   * A queued sweep of {@code subscription} (empty when the message named none driftguard knows) was given up: a failed
   * row, so people learn that drift there goes unfound. Throws when it cannot be published, as {@link #publish} does.
   */
  void sweepAbandoned(String subscription, String messageId, String problem);
}
