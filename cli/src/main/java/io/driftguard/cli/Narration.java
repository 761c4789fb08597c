package io.driftguard.cli;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.text.Printable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Decisions as people read them: every line printable, whatever the decision carries. */
final class Narration {

  private Narration() {}

  /** One line: outcome, resource, reason, cost. */
  static String oneLine(Decision decision) {
    return Printable.clean(String.format("%-9s %s: %s (%d reads, %d writes, %d ms)", decision.outcome().label(),
        decision.resource() == null ? "event " + decision.eventId() : shortName(decision.resource()),
        decision.reason(), decision.armReads(), decision.armWrites(), decision.elapsedMs()));
  }

  /** Who wrote what, when; empty for events refused before anyone was named. */
  static Optional<String> event(Decision decision) {
    return Optional.ofNullable(decision.changedBy()).map(changedBy -> Printable.clean(
        "event: " + decision.operation() + " by " + changedBy + " at " + decision.changedAt()));
  }

  /** The outcome, and the reason when there are no findings to tell it. */
  static String outcome(Decision decision) {
    return Printable.clean(decision.outcome().label().toUpperCase()
        + (decision.findings().isEmpty() ? ": " + decision.reason() : ""));
  }

  /**
   * The outcome as counts of what became of the findings, e.g. {@code fixed 2, alerted 1}: an app shown as
   * {@code fixed} may still have findings left alerted. Without findings, the outcome itself.
   */
  static String outcomeLeft(Decision decision) {
    if (decision.findings().isEmpty()) {
      return decision.outcome().label();
    }
    Map<Action, Long> counts = decision.findings().stream()
        .collect(Collectors.groupingBy(Finding::action, () -> new EnumMap<>(Action.class), Collectors.counting()));
    return counts.entrySet().stream().map(count -> count.getKey().label() + " " + count.getValue())
        .collect(Collectors.joining(", "));
  }

  /** What was done about each finding, one line each, indented. */
  static List<String> findings(Decision decision) {
    List<String> lines = new ArrayList<>();
    for (Finding finding : decision.findings()) {
      lines.add(switch (finding.action()) {
        case FIXED -> "fixed     " + finding.describe(finding.observed() + " -> " + finding.written());
        case ALERTED -> "alerted   " + finding.describe(finding.observed() + ", wants " + finding.desired())
            + " (" + finding.modeSource() + " = " + finding.mode() + ")";
        case FIX_FAILED -> "FAILED    " + finding.rule() + ": " + finding.detail();
        case BACKED_OFF -> "BACKED OFF " + finding.rule() + ": " + finding.detail();
        case REFUSED_BY_ARM -> "REFUSED   " + finding.rule() + ": " + finding.detail();
        case WOULD_FIX -> "would fix " + finding.describe(finding.observed() + ", wants " + finding.desired());
        case WOULD_ALERT -> "would alert " + finding.describe(finding.observed() + ", wants " + finding.desired());
        case EXEMPTED -> "exempted  " + finding.describe(finding.observed() + ", wants " + finding.desired())
            + " (" + finding.modeSource() + ")";
      });
      if (finding.action() == Action.ALERTED) {
        lines.add("      fix by hand: " + finding.manualFix());
      }
    }
    return lines.stream().map(Printable::clean).toList();
  }

  /** {@code func-orders} or {@code func-orders/staging} from an ARM id. */
  static String shortName(String resourceId) {
    int sites = resourceId.toLowerCase().lastIndexOf("/sites/");
    if (sites < 0) {
      return resourceId;
    }
    return resourceId.substring(sites + "/sites/".length()).replace("/slots/", "/");
  }

  static String findingSummary(Decision decision) {
    if (decision.findings().isEmpty()) {
      return "-";
    }
    return decision.findings().stream()
        .map(finding -> Printable.clean(finding.rule()) + " " + finding.action().label())
        .collect(Collectors.joining(", "));
  }
}
