package io.driftguard.engine;

import io.driftguard.intake.WriteEvent;
import io.driftguard.resource.HostingModel;
import io.driftguard.state.ArmException;
import io.driftguard.state.CallBudget;
import io.driftguard.text.Printable;
import io.driftguard.time.Ticker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the decisions of one event, with what it cost (the ARM requests counted on the wire and the time taken) and
 * what its ledger could not record; it carries the event, its budget and its ledger entry from stage to stage.
 */
final class Decisions {

  /** How {@code evaluated} lists a control that does not apply on the app's hosting model, before the reason. */
  static final String NOT_APPLICABLE = " (not applicable: ";

  private final WriteEvent event;
  private final long start;
  private final CallBudget usage;
  /** The event's storage, best effort: what it could not do, the decision says. */
  private final Ledger.Entry ledger;
  /** Known once the site is read. */
  private HostingModel hostingModel;
  /** What the decision says of the app's findings: gone, every control weighed, or nothing (skipped, failed). */
  private Lifecycle.Reach reach = Lifecycle.Reach.NONE;

  Decisions(WriteEvent event, long start, CallBudget budget, Ledger.Entry ledger) {
    this.event = event;
    this.start = start;
    this.usage = budget;
    this.ledger = ledger;
  }

  WriteEvent event() {
    return event;
  }

  /** How the app is hosted: every decision from now on names it. */
  void hostingModel(HostingModel model) {
    hostingModel = model;
  }

  CallBudget usage() {
    return usage;
  }

  Ledger.Entry ledger() {
    return ledger;
  }

  /** The decision on a site ARM no longer has. */
  Decision gone(String why) {
    reach = Lifecycle.Reach.SITE_GONE;
    return skipped("the site no longer exists (" + why + ")");
  }

  /** What this event's decision says of the app's findings, as {@link #gone} and the evaluation decided. */
  Lifecycle.Reach reach() {
    return reach;
  }

  Decision skipped(String reason) {
    return decision(Outcome.SKIPPED, reason, List.of(), List.of(), false);
  }

  /**
   * Every control was weighed and none is to be judged: each off for the app, or not applicable on its hosting model
   * ({@code evaluated} says why, each).
   */
  Decision nothingToJudge(List<String> evaluated, String reason) {
    reach = Lifecycle.Reach.EVERY_CONTROL;
    return decision(Outcome.SKIPPED, reason, evaluated, List.of(), false);
  }

  Decision failed(boolean retryable, String reason) {
    return decision(Outcome.FAILED, reason, List.of(), List.of(), retryable);
  }

  Decision evaluated(List<String> evaluated, List<Finding> findings, Optional<ArmException> retryableFailure) {
    reach = Lifecycle.Reach.EVERY_CONTROL;
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
    List<String> warnings = ledger.warnings();
    return new Decision(event.eventId(), event.site().id(), hostingModel == null ? null : hostingModel.label(),
        outcome, Printable.clean(reason), event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), evaluated, findings, usage.reads(),
        usage.writes(), usage.ticker().millisSince(start), retryable, !warnings.isEmpty(), warnings);
  }

  /** This event's decision when another event's evaluation, run just after its write, answered it. */
  Decision servedBy(Decision shared) {
    List<String> allWarnings = new ArrayList<>(ledger.warnings());
    allWarnings.addAll(shared.warnings());
    return new Decision(event.eventId(), shared.resource(), shared.hostingModel(), shared.outcome(),
        "answered by the evaluation for event " + shared.eventId() + " after a write by " + shared.changedBy() + ": "
            + shared.reason(), event.changedBy(),
        event.eventTime().toString(), event.operationName().orElse(null), shared.evaluated(), shared.findings(), 0, 0,
        usage.ticker().millisSince(start), shared.retryable(), !allWarnings.isEmpty(), allWarnings);
  }

  /** The decision as it stands, with this event's storage warnings added (those after its evaluation). */
  Decision withWarnings(Decision decision) {
    List<String> warnings = ledger.warnings();
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

  static Decision refused(String eventId, Optional<String> resource, Outcome outcome, String reason, Ticker ticker,
                          long start) {
    return new Decision(eventId, resource.orElse(null), outcome, reason, null, null, null, List.of(), List.of(), 0, 0,
        ticker.millisSince(start), false);
  }

  static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + Printable.abbreviate(e.getMessage());
  }
}
