package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;

/**
 * Where decisions that people must see go (alerts). Called once per event after the actions, before the event is
 * acknowledged; a failure to publish must throw, so the event is delivered again and nothing is lost.
 */
public interface FindingsSink {

  /** Reports decisions only in the decision output (stdout, function log). */
  FindingsSink DECISION_OUTPUT_ONLY = (event, decision) -> { };

  void publish(WriteEvent event, Decision decision);
}
