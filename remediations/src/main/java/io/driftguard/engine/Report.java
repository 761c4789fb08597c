package io.driftguard.engine;

import io.driftguard.text.Printable;
import io.driftguard.time.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last stage: from what was done to the decision, the audit trail and the alert. The audit entry is best effort
 * (a storage outage must not silence alerts); the alert rows go out before the event is acknowledged, and if they
 * cannot, nobody was told, so the event fails and is delivered again.
 */
final class Report {

  private final FindingsSink sink;
  private final Ticker ticker;

  Report(FindingsSink sink, Ticker ticker) {
    this.sink = sink;
    this.ticker = ticker;
  }

  /**
   * The decision on what was done, with the fixes an earlier delivery of this event made whose report may not have
   * gone out (reported again, same key), a fix it intended whose answer from ARM was lost included: the control being
   * compliant now, the write landed.
   */
  Decision conclude(Admitted admitted, Remedy.Remedied remedied) {
    List<Finding> findings = new ArrayList<>(remedied.findings());
    if (!admitted.dryRun()) {
      Set<String> fresh = remedied.findings().stream().map(Finding::rule).collect(Collectors.toSet());
      admitted.ledger().earlierFindings().stream()
          .filter(earlier -> earlier.action() == Action.FIXED && !fresh.contains(earlier.rule()))
          .forEach(findings::add);
    }
    return admitted.decisions().evaluated(remedied.evaluated(), findings, remedied.retryableFailure());
  }

  /**
   * Records the decision: its fixes counted for flapping and, unless it is to be retried, its findings in the audit
   * trail and its alert rows published, naming the callers of every event it answered.
   */
  Decision record(Admitted admitted, Decision decision) {
    admitted.ledger().record(decision);
    if (decision.retryable()) {
      return decision;
    }
    // Only the steps of a finding's life are rows: a finding that stands as people were told pages nobody again.
    List<Notice> notices = admitted.ledger().steps(decision, admitted.decisions().reach());
    boolean failedItself = decision.findings().isEmpty() && decision.outcome() == Outcome.FAILED;
    try {
      if (!notices.isEmpty() || failedItself) {
        sink.publish(admitted.event(), admitted.alsoAnswered(), admitted.decisions().withWarnings(decision), notices);
      }
    } catch (RuntimeException e) {
      return Decisions.retryLater(admitted.decisions().withWarnings(decision), "alert upload failed, nobody was told: "
          + Decisions.describe(e) + "; the event fails so that Event Grid delivers it again");
    }
    // Kept only now: the steps of an upload that failed are taken again by the redelivery.
    admitted.ledger().keep(notices);
    return admitted.decisions().withWarnings(decision);
  }

  /** A listed site a sweep refused to touch: a failure, reported as a severity-1 row unless the sweep is a dry run. */
  Decision refused(Arrival.Refused refused) {
    String eventId = "sweep-" + refused.runId() + "-refused-" + Integer.toHexString(refused.listedId().hashCode());
    Optional<String> shown = Optional.of(Printable.abbreviate(refused.listedId()));
    long start = ticker.nanos();
    Decision refusal = Decisions.refused(eventId, shown, Outcome.FAILED, refused.reason(), ticker, start);
    if (refused.dryRun()) {
      return refusal;
    }
    try {
      sink.publishRefusedListing(refusal, refused.runId());
      return refusal;
    } catch (RuntimeException e) {
      return Decisions.refused(eventId, shown, Outcome.FAILED,
          refused.reason() + "; alert upload failed, nobody was told: " + Decisions.describe(e), ticker, start);
    }
  }
}
