package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import io.driftguard.resource.HostingModel;
import io.driftguard.state.ArmException;
import io.driftguard.state.CallBudget;
import io.driftguard.text.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Builds the decisions of one event, with what it cost: the ARM requests counted on the wire and the time taken. */
final class Decisions {

  /** How {@code evaluated} lists a control that does not apply on the app's hosting model, before the reason. */
  static final String NOT_APPLICABLE = " (not applicable: ";

  private final WriteEvent event;
  private final long start;
  private final CallBudget usage;
  /** What Table storage could not do for this event (best effort): the decision says so. */
  private final List<String> warnings = new ArrayList<>();
  private boolean storageFailed;
  /** Known once the site is read. */
  private HostingModel hostingModel;

  Decisions(WriteEvent event, long start, CallBudget budget) {
    this.event = event;
    this.start = start;
    this.usage = budget;
  }

  /** How the app is hosted: every decision from now on names it. */
  void hostingModel(HostingModel model) {
    hostingModel = model;
  }

  CallBudget usage() {
    return usage;
  }

  /** Table storage failed; the event goes on without {@code what}. */
  void storageFailed(String what, RuntimeException cause) {
    storageFailed = true;
    warnings.add(what + ": Table storage failed (" + Remediator.describe(cause) + ")");
  }

  /** After a failure, storage is not asked again for this event, so an outage costs its retries once, not per call. */
  boolean storageFailed() {
    return storageFailed;
  }

  void skippedStorage(String what) {
    warnings.add(what + ": Table storage is unavailable");
  }

  Decision skipped(String reason) {
    return decision(Outcome.SKIPPED, reason, List.of(), List.of(), false);
  }

  /** Every control on for the app is not applicable on its hosting model: {@code evaluated} says why, each. */
  Decision notApplicable(List<String> evaluated, String reason) {
    return decision(Outcome.SKIPPED, reason, evaluated, List.of(), false);
  }

  Decision failed(boolean retryable, String reason) {
    return decision(Outcome.FAILED, reason, List.of(), List.of(), retryable);
  }

  Decision evaluated(List<String> evaluated, List<Finding> findings, Optional<ArmException> retryableFailure) {
    Map<Action, List<String>> byAction = findings.stream().collect(Collectors.groupingBy(
        Finding::action, LinkedHashMap::new, Collectors.mapping(Finding::rule, Collectors.toList())));
    Outcome outcome = byAction.containsKey(Action.FIX_FAILED) ? Outcome.FAILED
        : byAction.containsKey(Action.FIXED) ? Outcome.FIXED
        : byAction.containsKey(Action.ALERTED) || byAction.containsKey(Action.BACKED_OFF)
            || byAction.containsKey(Action.REFUSED_BY_ARM) ? Outcome.ALERTED
        : byAction.keySet().equals(Set.of(Action.EXEMPTED)) ? Outcome.EXEMPTED
        : findings.isEmpty() ? Outcome.COMPLIANT
        : Outcome.DRIFTED;
    long judged = evaluated.stream().filter(entry -> !entry.contains(NOT_APPLICABLE)).count();
    String reason = findings.isEmpty()
        ? "all " + judged + " evaluated controls compliant"
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
    return new Decision(event.eventId(), event.site().id(), hostingModel == null ? null : hostingModel.label(),
        outcome, Printable.clean(reason), event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), evaluated, findings, usage.reads(),
        usage.writes(), elapsedMs(start), retryable, !warnings.isEmpty(), warnings);
  }

  /** This event's decision when another event's evaluation, run just after its write, answered it. */
  Decision servedBy(Decision shared) {
    List<String> allWarnings = new ArrayList<>(warnings);
    allWarnings.addAll(shared.warnings());
    return new Decision(event.eventId(), shared.resource(), shared.hostingModel(), shared.outcome(),
        "answered by the evaluation for event " + shared.eventId() + " after a write by " + shared.changedBy() + ": "
            + shared.reason(), event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), shared.evaluated(), shared.findings(), 0, 0,
        elapsedMs(start), shared.retryable(), !allWarnings.isEmpty(), allWarnings);
  }

  /** The decision as it stands, with this event's storage warnings added (those after its evaluation). */
  Decision withWarnings(Decision decision) {
    if (warnings.isEmpty() || decision.warnings().containsAll(warnings)) {
      return decision;
    }
    List<String> allWarnings = new ArrayList<>(decision.warnings());
    warnings.stream().filter(warning -> !allWarnings.contains(warning)).forEach(allWarnings::add);
    return new Decision(decision.eventId(), decision.resource(), decision.hostingModel(), decision.outcome(),
        decision.reason(),
        decision.changedBy(), decision.changedAt(), decision.operation(), decision.evaluated(), decision.findings(),
        decision.armReads(), decision.armWrites(), decision.elapsedMs(), decision.retryable(), true, allWarnings);
  }

  /**
   * The same decision, to be delivered again: what was done stands, but the alert of it did not go out. A decision
   * that only reported is {@code failed} then: nobody was told. Its findings stay, for the log and the redelivery.
   */
  static Decision retryLater(Decision decision, String why) {
    Outcome outcome = decision.outcome() == Outcome.ALERTED ? Outcome.FAILED : decision.outcome();
    return new Decision(decision.eventId(), decision.resource(), decision.hostingModel(), outcome,
        decision.reason() + "; " + why,
        decision.changedBy(), decision.changedAt(), decision.operation(), decision.evaluated(), decision.findings(),
        decision.armReads(), decision.armWrites(), decision.elapsedMs(), true, decision.recordingDegraded(),
        decision.warnings());
  }

  static Decision refused(String eventId, Optional<String> resource, Outcome outcome, String reason, long start) {
    return new Decision(eventId, resource.orElse(null), outcome, reason, null, null, null, List.of(), List.of(), 0, 0,
        elapsedMs(start), false);
  }

  private static long elapsedMs(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
