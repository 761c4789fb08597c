package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import io.driftguard.state.ArmException;
import io.driftguard.state.CallBudget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Builds the decisions of one event, with what it cost: the ARM requests counted on the wire and the time taken. */
final class Decisions {

  private final WriteEvent event;
  private final long start;
  private final CallBudget usage;

  Decisions(WriteEvent event, long start, CallBudget budget) {
    this.event = event;
    this.start = start;
    this.usage = budget;
  }

  CallBudget usage() {
    return usage;
  }

  Decision skipped(String reason) {
    return decision(Outcome.SKIPPED, reason, List.of(), List.of(), false);
  }

  Decision failed(boolean retryable, String reason) {
    return decision(Outcome.FAILED, reason, List.of(), List.of(), retryable);
  }

  Decision evaluated(List<String> evaluated, List<Finding> findings, Optional<ArmException> retryableFailure) {
    Map<Action, List<String>> byAction = findings.stream().collect(Collectors.groupingBy(
        Finding::action, LinkedHashMap::new, Collectors.mapping(Finding::rule, Collectors.toList())));
    Outcome outcome = byAction.containsKey(Action.FIX_FAILED) ? Outcome.FAILED
        : byAction.containsKey(Action.FIXED) ? Outcome.FIXED
        : byAction.containsKey(Action.ALERTED) || byAction.containsKey(Action.BACKED_OFF) ? Outcome.ALERTED
        : byAction.keySet().equals(Set.of(Action.EXEMPTED)) ? Outcome.EXEMPTED
        : findings.isEmpty() ? Outcome.COMPLIANT
        : Outcome.DRIFTED;
    String reason = findings.isEmpty()
        ? "all " + evaluated.size() + " evaluated controls compliant"
        : byAction.entrySet().stream()
            .map(group -> group.getKey().label() + ": " + String.join(", ", group.getValue()))
            .collect(Collectors.joining("; "));
    if (retryableFailure.isPresent()) {
      reason += "; retry later: " + retryableFailure.get().getMessage();
    }
    return decision(outcome, reason, evaluated, findings, retryableFailure.isPresent());
  }

  private Decision decision(Outcome outcome, String reason, List<String> evaluated, List<Finding> findings,
                            boolean retryable) {
    return new Decision(event.eventId(), event.site().id(), outcome, reason, event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), evaluated, findings, usage.reads(),
        usage.writes(), elapsedMs(start), retryable);
  }

  /** This event's decision when another event's evaluation, run just after its write, answered it. */
  Decision servedBy(Decision shared) {
    return new Decision(event.eventId(), shared.resource(), shared.outcome(),
        "answered by the evaluation for event " + shared.eventId() + ": " + shared.reason(), event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), shared.evaluated(), shared.findings(), 0, 0,
        elapsedMs(start), shared.retryable());
  }

  /** The same decision, to be delivered again: what was done stands, but the record of it did not go out. */
  static Decision retryLater(Decision decision, String why) {
    return new Decision(decision.eventId(), decision.resource(), decision.outcome(), decision.reason() + "; " + why,
        decision.changedBy(), decision.changedAt(), decision.operation(), decision.evaluated(), decision.findings(),
        decision.armReads(), decision.armWrites(), decision.elapsedMs(), true);
  }

  static Decision refused(String eventId, Optional<String> resource, Outcome outcome, String reason, long start) {
    return new Decision(eventId, resource.orElse(null), outcome, reason, null, null, null, List.of(), List.of(), 0, 0,
        elapsedMs(start), false);
  }

  private static long elapsedMs(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
